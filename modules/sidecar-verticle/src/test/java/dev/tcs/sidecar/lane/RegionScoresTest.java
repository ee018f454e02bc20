package dev.tcs.sidecar.lane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Adaptive choice of regions, with a clock the test moves. */
class RegionScoresTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final RoutingSettings SETTINGS = new RoutingSettings(true, 3, Duration.ofSeconds(1), Duration.ofSeconds(8), true, 32, 4);

  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final List<String> ejections = new ArrayList<>();
  private final List<Long> ejectedFor = new ArrayList<>();
  private final RegionScores scores =
      new RegionScores(List.of("us-east", "eu-west", "ap-south"), SETTINGS, clock::get, n -> 0, (region, failures, forNanos) -> {
        ejections.add(region);
        ejectedFor.add(forNanos);
      });

  @Test
  void choose_beforeAnyMeasurement_prefersTheConfiguredPrimary() {
    assertEquals(new RegionScores.Choice("us-east", "eu-west"), scores.choose());
  }

  @Test
  void choose_unmeasuredRegion_isTriedAsPrimarySoItGetsMeasured() {
    scores.answered("us-east", 5 * MS);
    scores.answered("eu-west", 5 * MS);
    assertEquals("ap-south", scores.choose().primary());
  }

  @Test
  void choose_lowestEwma_becomesPrimary() {
    measureAll(20, 5, 30);
    assertEquals("eu-west", scores.choose().primary());
    assertEquals("eu-west", scores.primary());
  }

  @Test
  void choose_slightlyFasterRegion_doesNotTakeOver() {
    measureAll(10, 12, 30);
    assertEquals("us-east", scores.choose().primary());
    for (int i = 0; i < 20; i++) {
      scores.answered("eu-west", 9 * MS); // 90 %: within the hysteresis
    }
    assertEquals("us-east", scores.choose().primary());
    for (int i = 0; i < 20; i++) {
      scores.answered("eu-west", 5 * MS); // 50 %: clearly faster
    }
    assertEquals("eu-west", scores.choose().primary());
  }

  @Test
  void abandoned_primaryKeepsLosingRaces_isOvertakenByTheWinner() {
    measureAll(5, 6, 7);
    assertEquals("us-east", scores.choose().primary());
    // us-east became slow: eu-west answers in 5 ms, us-east is cancelled each time
    for (int i = 0; i < 5; i++) {
      scores.answered("eu-west", 5 * MS);
      scores.abandoned("us-east", 5 * MS);
    }
    assertEquals("eu-west", scores.choose().primary());
  }

  @Test
  void failed_consecutiveFailures_ejectAndTheRegionIsNotAsked() {
    measureAll(5, 6, 7);
    for (int i = 0; i < 3; i++) {
      scores.failed("us-east");
    }
    assertEquals(List.of("us-east"), ejections);
    assertTrue(scores.ejected("us-east"));
    for (int i = 0; i < 10; i++) {
      RegionScores.Choice choice = scores.choose();
      assertFalse(choice.primary().equals("us-east") || "us-east".equals(choice.secondary()), choice.toString());
    }
  }

  @Test
  void failed_once_primaryMovesAtOnceButTheRegionStaysHealthy() {
    measureAll(5, 6, 7);
    scores.failed("us-east");
    assertEquals("eu-west", scores.choose().primary());
    assertFalse(scores.ejected("us-east"));
  }

  @Test
  void failed_interruptedByAnAnswer_doesNotEject() {
    scores.failed("us-east");
    scores.failed("us-east");
    scores.answered("us-east", 5 * MS);
    scores.failed("us-east");
    scores.failed("us-east");
    assertFalse(scores.ejected("us-east"));
  }

  @Test
  void ejected_afterBackOff_isProbedAsSecondaryOnceAtATime() {
    measureAll(5, 6, 7);
    ejectUsEast();
    clock.addAndGet(1000 * MS);

    RegionScores.Choice probe = scores.choose();
    assertEquals("us-east", probe.secondary(), "the region due for a probe is the secondary");
    assertEquals("eu-west", probe.primary(), "never the primary while ejected");
    assertFalse("us-east".equals(scores.choose().secondary()), "one probe at a time");
  }

  @Test
  void probeAnswers_regionReturnsAndItsBackOffResets() {
    measureAll(5, 6, 7);
    ejectUsEast();
    clock.addAndGet(1000 * MS);
    scores.choose();
    scores.answered("us-east", 4 * MS);

    assertFalse(scores.ejected("us-east"));
    for (int i = 0; i < 3; i++) {
      scores.failed("us-east");
    }
    assertEquals(List.of(1000 * MS, 1000 * MS), ejectedFor, "back-off starts again from the base");
  }

  @Test
  void probeFails_ejectedAgainForTwiceAsLong_upToTheMaximum() {
    measureAll(5, 6, 7);
    ejectUsEast();
    for (int i = 0; i < 5; i++) {
      clock.addAndGet(ejectedFor.get(ejectedFor.size() - 1));
      assertEquals("us-east", scores.choose().secondary());
      scores.failed("us-east");
    }
    assertEquals(List.of(1000 * MS, 2000 * MS, 4000 * MS, 8000 * MS, 8000 * MS, 8000 * MS), ejectedFor);
  }

  @Test
  void ejected_notYetDue_isNotProbed() {
    measureAll(5, 6, 7);
    ejectUsEast();
    clock.addAndGet(999 * MS);
    RegionScores.Choice choice = scores.choose();
    assertFalse("us-east".equals(choice.secondary()) || "us-east".equals(choice.primary()));
  }

  @Test
  void everyRegionEjected_stillAsksTheOneWhoseEjectionEndsFirst() {
    measureAll(5, 6, 7);
    for (String region : List.of("eu-west", "us-east", "ap-south")) {
      for (int i = 0; i < 3; i++) {
        scores.failed(region);
      }
      clock.addAndGet(10 * MS);
    }
    RegionScores.Choice choice = scores.choose();
    assertEquals("eu-west", choice.primary());
    assertNull(choice.secondary());
  }

  @Test
  void everyRegionEjected_readsFailingBeforeAProbeIsDue_doNotGrowTheBackOff() {
    measureAll(5, 6, 7);
    for (String region : List.of("eu-west", "us-east", "ap-south")) {
      for (int i = 0; i < 3; i++) {
        scores.failed(region);
      }
    }
    for (int i = 0; i < 20; i++) { // every read of an outage of all regions, none due for a probe
      scores.failed(scores.choose().primary());
    }
    assertEquals(List.of(1000 * MS, 1000 * MS, 1000 * MS), ejectedFor, "reads that were not probes ejected a region again");

    clock.addAndGet(1000 * MS); // due: the probe fails, the back-off doubles once
    scores.failed(scores.choose().primary());
    assertEquals(2000 * MS, ejectedFor.get(ejectedFor.size() - 1));
  }

  @Test
  void everyRegionEjected_theRegionAskedAnswers_comesBackAtOnce() {
    measureAll(5, 6, 7);
    for (String region : List.of("eu-west", "us-east", "ap-south")) {
      for (int i = 0; i < 3; i++) {
        scores.failed(region);
      }
    }
    String asked = scores.choose().primary();
    scores.answered(asked, 5 * MS);
    assertFalse(scores.ejected(asked));
    assertEquals(asked, scores.choose().primary());
  }

  @Test
  void singleRegion_hasNoSecondary() {
    RegionScores one = new RegionScores(List.of("us-east"), SETTINGS, clock::get, n -> 0, (r, f, t) -> {});
    assertEquals(new RegionScores.Choice("us-east", null), one.choose());
  }

  private void measureAll(long usEastMs, long euWestMs, long apSouthMs) {
    for (int i = 0; i < 10; i++) {
      scores.answered("us-east", usEastMs * MS);
      scores.answered("eu-west", euWestMs * MS);
      scores.answered("ap-south", apSouthMs * MS);
    }
  }

  private void ejectUsEast() {
    for (int i = 0; i < 3; i++) {
      scores.failed("us-east");
    }
    assertTrue(scores.ejected("us-east"));
  }
}
