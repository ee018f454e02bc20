package dev.tcs.core.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.read.Stamp;
import org.junit.jupiter.api.Test;

class ETagsTest {
  private static final String TAG = ETags.of(new Stamp(7, 1));

  @Test
  void of_version_isQuotedVersionDotRevision() {
    assertEquals("\"7.1\"", TAG);
  }

  @Test
  void matches_sameTag_matches() {
    assertTrue(ETags.matches("\"7.1\"", TAG));
  }

  @Test
  void matches_noHeader_doesNotMatch() {
    assertFalse(ETags.matches(null, TAG));
    assertFalse(ETags.matches("", TAG));
  }

  @Test
  void matches_otherVersionOrRevision_doesNotMatch() {
    assertFalse(ETags.matches("\"6.1\"", TAG));
    assertFalse(ETags.matches("\"7.0\"", TAG));
    assertFalse(ETags.matches("\"7\"", TAG));
    assertFalse(ETags.matches("\"7.10\"", TAG));
    assertFalse(ETags.matches("7.1", TAG));
  }

  @Test
  void matches_star_matchesAnyView() {
    assertTrue(ETags.matches("*", TAG));
    assertTrue(ETags.matches(" * ", TAG));
  }

  @Test
  void matches_listContainingTag_matches() {
    assertTrue(ETags.matches("\"5.1\", \"7.1\"", TAG));
    assertTrue(ETags.matches("\"7.1\",\"8.1\"", TAG));
    assertFalse(ETags.matches("\"5.1\", \"6.1\"", TAG));
  }

  @Test
  void matches_weakTag_comparesWeakly() {
    assertTrue(ETags.matches("W/\"7.1\"", TAG));
    assertTrue(ETags.matches("\"1.1\", W/\"7.1\"", TAG));
  }

  @Test
  void matches_weakOrListedVersionTag_true() {
    assertTrue(ETags.matches("\"7\"", ETags.ofVersion(7)));
    assertTrue(ETags.matches("W/\"7\"", "\"7\""));
    assertTrue(ETags.matches("\"6\", \"7\"", "\"7\""));
    assertFalse(ETags.matches("\"6\"", "\"7\""));
  }

  @Test
  void of_unknownRevision_isQuotedVersion() {
    assertEquals("\"7\"", ETags.of(new Stamp(7, Stamp.UNKNOWN_REVISION)));
  }
}
