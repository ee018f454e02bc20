package dev.tcs.sidecar.cache;

import static dev.tcs.sidecar.TestAnswers.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.http.HttpProblem;
import dev.tcs.core.model.Invalidation;
import dev.tcs.core.read.ReadKey;
import dev.tcs.sidecar.FakeTicker;
import dev.tcs.sidecar.SidecarConfig;
import dev.tcs.sidecar.SidecarMetrics.Read;
import dev.tcs.sidecar.SidecarMetrics;
import dev.tcs.sidecar.lane.FakeLane;
import dev.tcs.sidecar.lane.HedgedFetcher;
import dev.tcs.sidecar.lane.LaneFailure;
import dev.tcs.sidecar.lane.RegionRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Read-through: single flight, stale answers, and 503 when nothing is left. */
class CachingReaderTest {
  private static final ReadKey ACME = ReadKey.tenant("acme", "jira");
  private static final RegionRequest READ = new RegionRequest("/v1/tenants/acme/context", "acme", "Bearer t", "r1");
  private static final Duration TTL = Duration.ofHours(1);

  private final FakeLane usEast = new FakeLane("us-east");
  private final FakeLane euWest = new FakeLane("eu-west");
  private FakeTicker ticker;
  private ViewCache cache;
  private CachingReader reader;

  @BeforeEach
  void setUp() {
    ticker = new FakeTicker();
    SidecarMetrics metrics = new SidecarMetrics(new SimpleMeterRegistry());
    cache = new ViewCache(new SidecarConfig.Cache(1_000, TTL, Duration.ofSeconds(5), TTL), ticker, Runnable::run, metrics);
    reader = new CachingReader(cache, new HedgedFetcher(usEast, List.of(euWest), n -> 0, metrics));
  }

  private static Throwable failureOf(CompletableFuture<Served> future) {
    try {
      future.get();
      throw new AssertionError("expected a failure");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void load_concurrentReadsOfOneKey_fetchOnce() throws Exception {
    CompletableFuture<Served> first = reader.load(ACME, READ);
    CompletableFuture<Served> second = reader.load(ACME, READ);

    usEast.last().answer(value("us-east", "acme", 3));

    assertSame(first, second);
    assertEquals(1, usEast.calls().size());
    assertEquals(3, first.get().answer().version());
    assertEquals(Read.MISS, first.get().outcome());
    assertEquals(0, reader.loading());
  }

  @Test
  void load_afterStore_isAHit() throws Exception {
    reader.load(ACME, READ);
    usEast.last().answer(value("us-east", "acme", 3));

    assertEquals(3, reader.cached(ACME).version());
    assertEquals(Read.HIT, reader.load(ACME, READ).get().outcome());
    assertEquals(1, usEast.calls().size());
  }

  @Test
  void load_noRegionAnswersAndNoValue_fails503() {
    CompletableFuture<Served> result = reader.load(ACME, READ);

    usEast.last().fail(LaneFailure.Kind.TIMEOUT);
    euWest.last().fail(LaneFailure.Kind.ERROR);

    HttpProblem problem = assertInstanceOf(HttpProblem.class, failureOf(result));
    assertEquals(503, problem.status());
    assertTrue(problem.detail().contains("us-east: timeout"), problem.detail());
  }

  @Test
  void load_noRegionAnswersAndValuePastTtl_servesItStale() throws Exception {
    reader.load(ACME, READ);
    usEast.last().answer(value("us-east", "acme", 3));
    ticker.advance(TTL.plusSeconds(1));
    assertNull(reader.cached(ACME));

    CompletableFuture<Served> result = reader.load(ACME, READ);
    usEast.last().fail(LaneFailure.Kind.ERROR);
    euWest.last().fail(LaneFailure.Kind.ERROR);

    assertEquals(Read.STALE, result.get().outcome());
    assertEquals(3, result.get().answer().version());
  }

  @Test
  void load_regionsBehindWhatWasAnswered_answersTheSupersededValueStale() throws Exception {
    reader.load(ACME, READ);
    usEast.last().answer(value("us-east", "acme", 5));
    cache.apply(new Invalidation("acme", "jira", List.of(), 6));

    CompletableFuture<Served> result = reader.load(ACME, READ);
    usEast.last().answer(value("us-east", "acme", 4));
    euWest.last().answer(value("eu-west", "acme", 4));

    assertEquals(Read.STALE, result.get().outcome());
    assertEquals(5, result.get().answer().version());
  }

  @Test
  void load_regionsBehindWhatWasAnswered_keepSupersededOff_fails503() {
    SidecarMetrics metrics = new SidecarMetrics(new SimpleMeterRegistry());
    cache = new ViewCache(new SidecarConfig.Cache(1_000, TTL, Duration.ofSeconds(5), TTL, true, 32, false, Duration.ZERO), ticker, Runnable::run, metrics);
    reader = new CachingReader(cache, new HedgedFetcher(usEast, List.of(euWest), n -> 0, metrics));
    reader.load(ACME, READ);
    usEast.last().answer(value("us-east", "acme", 5));
    cache.apply(new Invalidation("acme", "jira", List.of(), 6));

    CompletableFuture<Served> result = reader.load(ACME, READ);
    usEast.last().answer(value("us-east", "acme", 4));
    euWest.last().answer(value("eu-west", "acme", 4));

    HttpProblem problem = assertInstanceOf(HttpProblem.class, failureOf(result));
    assertEquals(503, problem.status());
  }

  @Test
  void load_afterNewerInvalidation_prefersTheRegionThatCaughtUp() throws Exception {
    reader.load(ACME, READ);
    usEast.last().answer(value("us-east", "acme", 5));
    cache.apply(new Invalidation("acme", "jira", List.of(), 6));

    CompletableFuture<Served> result = reader.load(ACME, READ);
    euWest.last().answer(value("eu-west", "acme", 5)); // lagging region answers first
    usEast.last().answer(value("us-east", "acme", 6));

    assertEquals(6, result.get().answer().version());
    assertEquals(6, reader.cached(ACME).version());
  }

  // ---- refresh-ahead ----

  @Test
  void refreshAhead_beforeTheLastQuarterOfTtl_startsNothing() {
    reader.load(ACME, READ);
    usEast.last().answer(value("us-east", "acme", 3));
    ticker.advance(TTL.multipliedBy(3).dividedBy(4).minusSeconds(1));

    assertEquals(false, reader.refreshAhead(ACME, reader.cachedHit(ACME), () -> READ));
    assertEquals(1, usEast.calls().size());
  }

  @Test
  void refreshAhead_inTheLastQuarter_oneRefreshWhoseAnswerReplacesTheValue() {
    reader.load(ACME, READ);
    usEast.last().answer(value("us-east", "acme", 3));
    ticker.advance(TTL.multipliedBy(3).dividedBy(4));
    Hit hit = reader.cachedHit(ACME);

    assertTrue(reader.refreshAhead(ACME, hit, () -> READ));
    assertEquals(false, reader.refreshAhead(ACME, hit, () -> READ), "one refresh per entry");
    assertEquals(2, usEast.calls().size());
    assertEquals(3, reader.cached(ACME).version(), "still answered while the refresh runs");
    usEast.last().answer(value("us-east", "acme", 4));

    assertEquals(4, reader.cached(ACME).version());
    ticker.advance(TTL.dividedBy(2));
    assertEquals(4, reader.cached(ACME).version(), "the refreshed value lives a whole ttl from its refresh");
    assertEquals(0, reader.loading());
  }

  @Test
  void refreshAhead_failed_notRetriedForThatEntryAndTheValueStaysUntilTtl() {
    reader.load(ACME, READ);
    usEast.last().answer(value("us-east", "acme", 3));
    ticker.advance(TTL.multipliedBy(3).dividedBy(4));
    Hit hit = reader.cachedHit(ACME);

    assertTrue(reader.refreshAhead(ACME, hit, () -> READ));
    usEast.last().fail(LaneFailure.Kind.ERROR);
    euWest.last().fail(LaneFailure.Kind.ERROR);

    assertEquals(false, reader.refreshAhead(ACME, reader.cachedHit(ACME), () -> READ));
    assertEquals(3, reader.cached(ACME).version());
    assertEquals(0, reader.loading());
  }
}
