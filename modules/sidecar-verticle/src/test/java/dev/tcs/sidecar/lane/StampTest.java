package dev.tcs.sidecar.lane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StampTest {
  @Test
  void olderThan_versionFirstThenKnownRevisions() {
    assertTrue(new Stamp(4, 9).olderThan(new Stamp(5, 1)));
    assertTrue(new Stamp(5, 1).olderThan(new Stamp(5, 2)));
    assertFalse(new Stamp(5, 2).olderThan(new Stamp(5, 2)));
    assertFalse(new Stamp(5, Stamp.UNKNOWN).olderThan(new Stamp(5, 2)));
    assertFalse(new Stamp(5, 2).olderThan(new Stamp(5, Stamp.UNKNOWN)));
  }

  @Test
  void newer_tieOrUnordered_keepsThis() {
    Stamp known = new Stamp(5, 2);

    assertEquals(new Stamp(6, 0), known.newer(new Stamp(6, 0)));
    assertEquals(known, known.newer(new Stamp(5, Stamp.UNKNOWN)));
  }
}
