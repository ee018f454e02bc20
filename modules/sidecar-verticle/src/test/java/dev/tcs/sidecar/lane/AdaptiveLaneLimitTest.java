package dev.tcs.sidecar.lane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The Netflix limiter behind the {@link LaneLimit} seam, with a clock the test moves. */
class AdaptiveLaneLimitTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private final AtomicLong clock = new AtomicLong();

  @Test
  void tryAcquire_atTheLimit_rejectsAtOnce_untilOneEnds() {
    AdaptiveLaneLimit limit = new AdaptiveLaneLimit(4, 1, 100, clock::get);
    List<LaneLimit.Permit> held = acquire(limit, 4);
    assertEquals(4, limit.inFlight());

    assertTrue(limit.tryAcquire().isEmpty(), "a full lane must reject, not queue");

    held.get(0).onIgnore();
    held.get(0).onIgnore(); // a second release must not free a second slot
    assertEquals(3, limit.inFlight());
    Optional<LaneLimit.Permit> again = limit.tryAcquire();
    assertTrue(again.isPresent());
    assertTrue(limit.tryAcquire().isEmpty());
  }

  @Test
  void steadyFastAnswersUnderLoad_growTheLimit() {
    AdaptiveLaneLimit limit = new AdaptiveLaneLimit(10, 2, 200, clock::get);
    for (int round = 0; round < 50; round++) {
      roundTrip(limit, limit.limit(), 2 * MS);
    }
    assertTrue(limit.limit() > 10, "limit stayed at " + limit.limit());
  }

  @Test
  void latencyRisingUnderLoad_shrinksTheLimitAtOnce() {
    AdaptiveLaneLimit limit = new AdaptiveLaneLimit(50, 2, 200, clock::get);
    for (int round = 0; round < 100; round++) {
      roundTrip(limit, limit.limit(), 2 * MS);
    }
    int before = limit.limit();
    roundTrip(limit, limit.limit(), 200 * MS); // the region queues: 100 times slower
    assertTrue(limit.limit() < before / 2, "limit only went from " + before + " to " + limit.limit());
    assertTrue(limit.limit() >= 2, "never below min");
  }

  @Test
  void limits_outOfOrder_areRefused() {
    assertThrows(IllegalArgumentException.class, () -> new AdaptiveLaneLimit(5, 6, 10, clock::get));
    assertThrows(IllegalArgumentException.class, () -> new AdaptiveLaneLimit(11, 1, 10, clock::get));
    assertThrows(IllegalArgumentException.class, () -> new AdaptiveLaneLimit(1, 0, 10, clock::get));
  }

  /** {@code n} reads at once, all answered after {@code rtt}. */
  private void roundTrip(AdaptiveLaneLimit limit, int n, long rtt) {
    List<LaneLimit.Permit> held = acquire(limit, n);
    clock.addAndGet(rtt);
    held.forEach(permit -> permit.onSuccess(rtt));
  }

  private static List<LaneLimit.Permit> acquire(AdaptiveLaneLimit limit, int n) {
    List<LaneLimit.Permit> held = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      held.add(limit.tryAcquire().orElseThrow(() -> new AssertionError("rejected below the limit")));
    }
    return held;
  }
}
