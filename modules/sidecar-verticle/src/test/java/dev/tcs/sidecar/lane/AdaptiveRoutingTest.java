package dev.tcs.sidecar.lane;

import static dev.tcs.sidecar.TestAnswers.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.sidecar.SidecarMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The hedge over adaptive routing: lanes' outcomes move the choice of primary. */
class AdaptiveRoutingTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final RegionRequest READ = new RegionRequest("/v1/tenants/acme/context", "acme", "Bearer t", "r1");
  private static final RoutingSettings SETTINGS = new RoutingSettings(true, 2, Duration.ofSeconds(1), Duration.ofSeconds(30), true, 32, 4);

  private final AtomicLong clock = new AtomicLong(1);
  private final FakeLane usEast = new FakeLane("us-east");
  private final FakeLane euWest = new FakeLane("eu-west");
  private final RegionScores scores = new RegionScores(List.of("us-east", "eu-west"), SETTINGS, clock::get, n -> 0, (r, f, t) -> {});
  private final HedgedFetcher fetcher =
      new HedgedFetcher(new AdaptiveRouting(List.of(usEast, euWest), scores, clock::get), new SidecarMetrics(new SimpleMeterRegistry()));

  @Test
  void slowPrimary_losesItsRaces_andTheFasterRegionBecomesPrimary() {
    for (int i = 0; i < 5; i++) {
      fetcher.fetch(READ, answer -> true);
      clock.addAndGet(5 * MS);
      euWest.last().answer(value("eu-west", "acme", 1)); // us-east is cancelled each time
      assertTrue(usEast.last().cancelled());
    }
    fetcher.fetch(READ, answer -> true);
    assertEquals(6, euWest.calls().size());
    assertEquals("eu-west", scores.primary());
  }

  @Test
  void failingRegion_isEjected_andNoLongerAsked() {
    for (int i = 0; i < 2; i++) {
      fetcher.fetch(READ, answer -> true);
      usEast.last().fail(LaneFailure.Kind.ERROR);
      euWest.last().answer(value("eu-west", "acme", 1));
    }
    int askedBefore = usEast.calls().size();

    fetcher.fetch(READ, answer -> true);

    assertEquals(askedBefore, usEast.calls().size(), "an ejected region was asked before its back-off ended");
    clock.addAndGet(1000 * MS);
    fetcher.fetch(READ, answer -> true);
    assertEquals(askedBefore + 1, usEast.calls().size(), "the back-off ended but the region was not probed");
  }

  @Test
  void rejectedByAFullLane_isNeitherFailureNorSample() {
    fetcher.fetch(READ, answer -> true);
    usEast.last().fail(LaneFailure.Kind.REJECTED);
    euWest.last().answer(value("eu-west", "acme", 1));
    fetcher.fetch(READ, answer -> true);
    usEast.last().fail(LaneFailure.Kind.REJECTED);
    assertTrue(Double.isNaN(scores.ewmaNanos("us-east")));
    assertTrue(!scores.ejected("us-east"));
  }
}
