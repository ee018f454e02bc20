package dev.tcs.sidecar.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ETagsTest {
  @Test
  void matches_sameTagWeakOrInList_true() {
    assertTrue(ETags.matches("\"7\"", "\"7\""));
    assertTrue(ETags.matches("W/\"7\"", "\"7\""));
    assertTrue(ETags.matches("\"6\", \"7\"", "\"7\""));
    assertTrue(ETags.matches("*", "\"7\""));
  }

  @Test
  void matches_otherTagOrNone_false() {
    assertFalse(ETags.matches("\"6\"", "\"7\""));
    assertFalse(ETags.matches(null, "\"7\""));
  }
}
