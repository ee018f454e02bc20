package dev.tcs.core.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.model.View;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class StampTest {
  @Test
  void olderThan_versionFirstThenKnownRevisions() {
    assertTrue(new Stamp(4, 9).olderThan(new Stamp(5, 1)));
    assertTrue(new Stamp(5, 1).olderThan(new Stamp(5, 2)));
    assertFalse(new Stamp(5, 2).olderThan(new Stamp(5, 2)));
    assertFalse(new Stamp(5, Stamp.UNKNOWN_REVISION).olderThan(new Stamp(5, 2)));
    assertFalse(new Stamp(5, 2).olderThan(new Stamp(5, Stamp.UNKNOWN_REVISION)));
  }

  @Test
  void none_isOlderThanEveryVersion() {
    assertTrue(Stamp.NONE.olderThan(new Stamp(1, 0)));
    assertFalse(Stamp.NONE.isKnown());
  }

  @Test
  void tombstone_outranksEveryOlderValue() {
    Stamp delete = new Stamp(6, 1);
    assertTrue(new Stamp(5, 9).olderThan(delete));
    assertTrue(delete.newerThan(new Stamp(5, Stamp.UNKNOWN_REVISION)));
  }

  @Test
  void of_view_takesVersionAndRevision() {
    View view = new View("acme", "jira", 7, 3, List.of(), false, new JsonObject());
    assertEquals(new Stamp(7, 3), Stamp.of(view));
    assertEquals("7.3", Stamp.of(view).toString());
    assertEquals("7", new Stamp(7, Stamp.UNKNOWN_REVISION).toString());
  }

  @Test
  void newer_tieOrUnordered_keepsThis() {
    Stamp known = new Stamp(5, 2);

    assertEquals(new Stamp(6, 0), known.newer(new Stamp(6, 0)));
    assertEquals(known, known.newer(new Stamp(5, Stamp.UNKNOWN_REVISION)));
  }
}
