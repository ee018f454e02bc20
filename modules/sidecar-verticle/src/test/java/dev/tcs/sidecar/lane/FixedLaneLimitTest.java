package dev.tcs.sidecar.lane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FixedLaneLimitTest {
  @Test
  void tryAcquire_full_rejectsUntilAPermitIsReturned() {
    FixedLaneLimit limit = new FixedLaneLimit(2);
    LaneLimit.Permit first = limit.tryAcquire().orElseThrow();
    limit.tryAcquire().orElseThrow();

    assertTrue(limit.tryAcquire().isEmpty());

    first.onDropped();
    first.onSuccess(1); // a second release of one permit changes nothing
    assertEquals(1, limit.inFlight());
    assertTrue(limit.tryAcquire().isPresent());
  }
}
