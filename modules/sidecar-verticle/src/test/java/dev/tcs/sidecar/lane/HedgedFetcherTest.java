package dev.tcs.sidecar.lane;

import static dev.tcs.sidecar.TestAnswers.notFound;
import static dev.tcs.sidecar.TestAnswers.problem;
import static dev.tcs.sidecar.TestAnswers.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.sidecar.SidecarMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Hedging against lanes the test answers by hand. */
class HedgedFetcherTest {
  private static final RegionRequest READ = new RegionRequest("/v1/tenants/acme/context", "acme", "Bearer t", "r1");
  private static final Predicate<RegionAnswer> ANY = answer -> true;

  private final FakeLane usEast = new FakeLane("us-east");
  private final FakeLane euWest = new FakeLane("eu-west");
  private final FakeLane apSouth = new FakeLane("ap-south");
  private SimpleMeterRegistry registry;
  private HedgedFetcher fetcher;

  @BeforeEach
  void setUp() {
    registry = new SimpleMeterRegistry();
    // pick(n) = 0: the secondary is always eu-west
    fetcher = new HedgedFetcher(usEast, List.of(euWest, apSouth), n -> 0, new SidecarMetrics(registry));
  }

  private double wins(String region, String role) {
    var counter = registry.find(SidecarMetrics.HEDGE_WINS).tag("region", region).tag("role", role).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void fetch_miss_asksPrimaryAndOneSecondaryAtOnce() {
    fetcher.fetch(READ, ANY);

    assertEquals(1, usEast.calls().size());
    assertEquals(1, euWest.calls().size());
    assertEquals(0, apSouth.calls().size());
    assertEquals(READ, usEast.last().request());
  }

  @Test
  void fetch_pick_choosesTheSecondary() {
    fetcher = new HedgedFetcher(usEast, List.of(euWest, apSouth), n -> n - 1, new SidecarMetrics(registry));

    fetcher.fetch(READ, ANY);

    assertEquals(0, euWest.calls().size());
    assertEquals(1, apSouth.calls().size());
  }

  @Test
  void fetch_primaryAnswersFirst_winsAndSecondaryIsCancelled() {
    Future<RegionAnswer> result = fetcher.fetch(READ, ANY);

    usEast.last().answer(value("us-east", "acme", 3));

    assertEquals("us-east", result.result().lane());
    assertTrue(euWest.last().cancelled());
    assertFalse(usEast.last().cancelled());
    assertEquals(1.0, wins("us-east", "primary"));
  }

  @Test
  void fetch_secondaryAnswersFirst_winsAndPrimaryIsCancelled() {
    Future<RegionAnswer> result = fetcher.fetch(READ, ANY);

    euWest.last().answer(value("eu-west", "acme", 3));
    usEast.last().answer(value("us-east", "acme", 3)); // too late: ignored

    assertEquals("eu-west", result.result().lane());
    assertTrue(usEast.last().cancelled());
    assertEquals(1.0, wins("eu-west", "secondary"));
    assertEquals(0.0, wins("us-east", "primary"));
  }

  @Test
  void fetch_notFoundFirst_winsLikeAValue() {
    Future<RegionAnswer> result = fetcher.fetch(READ, ANY);

    usEast.last().answer(notFound("us-east", "acme", 0));

    assertEquals(404, result.result().status());
  }

  @Test
  void fetch_primaryFails_fallsToSecondary() {
    Future<RegionAnswer> result = fetcher.fetch(READ, ANY);

    usEast.last().fail(LaneFailure.Kind.ERROR);
    assertFalse(result.isComplete());
    euWest.last().answer(value("eu-west", "acme", 3));

    assertEquals("eu-west", result.result().lane());
  }

  @Test
  void fetch_primaryTimesOutAfterSecondaryFailed_failsWithBothReasons() {
    Future<RegionAnswer> result = fetcher.fetch(READ, ANY);

    euWest.last().fail(LaneFailure.Kind.ERROR);
    usEast.last().fail(LaneFailure.Kind.TIMEOUT);

    NoRegionAnswered failure = assertInstanceOf(NoRegionAnswered.class, result.cause());
    assertEquals(List.of("eu-west: error", "us-east: timeout"), failure.reasons());
  }

  @Test
  void fetch_primaryRejectedAtOnce_secondaryStillAsked() {
    Lane full = new Lane() {
      @Override
      public String region() {
        return "us-east";
      }

      @Override
      public LaneCall call(RegionRequest request) {
        return LaneCall.failed(new LaneFailure("us-east", LaneFailure.Kind.REJECTED, "lane full"));
      }
    };
    fetcher = new HedgedFetcher(full, List.of(euWest), n -> 0, new SidecarMetrics(registry));

    Future<RegionAnswer> result = fetcher.fetch(READ, ANY);
    euWest.last().answer(value("eu-west", "acme", 3));

    assertEquals("eu-west", result.result().lane());
  }

  @Test
  void fetch_firstAnswerBehind_waitsForTheNewerOne() {
    Future<RegionAnswer> result = fetcher.fetch(READ, answer -> answer.version() >= 5);

    euWest.last().answer(value("eu-west", "acme", 4));
    assertFalse(result.isComplete());
    usEast.last().answer(value("us-east", "acme", 5));

    assertEquals(5, result.result().version());
  }

  @Test
  void fetch_bothBehind_usesTheNewest() {
    Future<RegionAnswer> result = fetcher.fetch(READ, answer -> answer.version() >= 9);

    usEast.last().answer(value("us-east", "acme", 4));
    euWest.last().answer(value("eu-west", "acme", 6));

    assertEquals(6, result.result().version());
  }

  @Test
  void fetch_forbiddenFirst_valueLaterWins() {
    Future<RegionAnswer> result = fetcher.fetch(READ, ANY);

    usEast.last().answer(problem("us-east", 403, "acme"));
    assertFalse(result.isComplete());
    euWest.last().answer(value("eu-west", "acme", 3));

    assertEquals(200, result.result().status());
  }

  @Test
  void fetch_forbiddenAndOtherFails_passesForbiddenThrough() {
    Future<RegionAnswer> result = fetcher.fetch(READ, ANY);

    usEast.last().answer(problem("us-east", 403, "acme"));
    euWest.last().fail(LaneFailure.Kind.TIMEOUT);

    assertEquals(403, result.result().status());
  }

  @Test
  void fetch_noSecondaries_asksPrimaryOnly() {
    fetcher = new HedgedFetcher(usEast, List.of(), n -> 0, new SidecarMetrics(registry));

    Future<RegionAnswer> result = fetcher.fetch(READ, ANY);
    usEast.last().fail(LaneFailure.Kind.ERROR);

    assertInstanceOf(NoRegionAnswered.class, result.cause());
  }
}
