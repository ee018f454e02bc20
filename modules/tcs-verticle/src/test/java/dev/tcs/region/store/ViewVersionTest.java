package dev.tcs.region.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.model.View;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class ViewVersionTest {
  @Test
  void isOlderThan_lowerVersion_isOlderWhateverTheRevision() {
    assertTrue(new ViewVersion(4, 9).isOlderThan(new ViewVersion(5, 1)));
    assertFalse(new ViewVersion(5, 1).isOlderThan(new ViewVersion(4, 9)));
  }

  @Test
  void isOlderThan_sameVersionLowerRevision_isOlder() {
    assertTrue(new ViewVersion(5, 1).isOlderThan(new ViewVersion(5, 2)));
    assertTrue(new ViewVersion(5, 2).isNewerThan(new ViewVersion(5, 1)));
  }

  @Test
  void isOlderThan_same_isNeitherOlderNorNewer() {
    ViewVersion a = new ViewVersion(5, 2);
    ViewVersion b = new ViewVersion(5, 2);
    assertFalse(a.isOlderThan(b));
    assertFalse(a.isNewerThan(b));
    assertEquals(0, a.compareTo(b));
  }

  @Test
  void none_isOlderThanEveryView() {
    assertTrue(ViewVersion.NONE.isOlderThan(new ViewVersion(1, 0)));
  }

  @Test
  void max_picksTheLater() {
    assertEquals(new ViewVersion(5, 2), ViewVersion.max(new ViewVersion(5, 2), new ViewVersion(5, 1)));
    assertEquals(new ViewVersion(6, 0), ViewVersion.max(new ViewVersion(5, 2), new ViewVersion(6, 0)));
  }

  @Test
  void of_view_takesVersionAndRevision() {
    View view = new View("acme", "jira", 7, 3, List.of(), false, new JsonObject());
    assertEquals(new ViewVersion(7, 3), ViewVersion.of(view));
  }

  @Test
  void partitionKey_tenantAndHost_areDistinct() {
    assertEquals("tenant#acme", ViewKey.tenant("acme", "jira").partitionKey());
    assertEquals("host#acme.example.net", ViewKey.host("acme.example.net", "jira").partitionKey());
  }
}
