package dev.tcs.catalogue.command;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tcs.catalogue.store.Head;
import dev.tcs.core.http.HttpProblem;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreconditionsTest {
  private static final Head LIVE_3 = new Head("acme", 3, false, new JsonObject(), List.of(), Instant.EPOCH, 3);
  private static final Head DELETED_4 = new Head("acme", 4, true, null, List.of(), Instant.EPOCH, 4);

  @Test
  void check_none_alwaysHolds() {
    assertDoesNotThrow(() -> Preconditions.NONE.check("acme", null));
    assertDoesNotThrow(() -> Preconditions.NONE.check("acme", LIVE_3));
  }

  @Test
  void check_ifMatchCurrent_holds() {
    assertDoesNotThrow(() -> Preconditions.parse("\"3\"", null).check("acme", LIVE_3));
  }

  @Test
  void check_ifMatchStale_returns412NamingIfMatch() {
    HttpProblem problem = assertThrows(HttpProblem.class, () -> Preconditions.parse("\"2\"", null).check("acme", LIVE_3));
    assertEquals(412, problem.status());
    assertEquals("If-Match", problem.field());
  }

  @Test
  void check_ifMatchOnMissingTenant_returns412() {
    assertEquals(412, assertThrows(HttpProblem.class, () -> Preconditions.parse("\"1\"", null).check("acme", null)).status());
  }

  @Test
  void check_ifMatchVersionOfDeletion_holds() {
    assertDoesNotThrow(() -> Preconditions.parse("\"4\"", null).check("acme", DELETED_4));
  }

  @Test
  void check_ifMatchStarOnDeletedTenant_returns412() {
    assertEquals(412, assertThrows(HttpProblem.class, () -> Preconditions.parse("*", null).check("acme", DELETED_4)).status());
  }

  @Test
  void check_ifNoneMatchStarOnLiveTenant_returns412NamingIfNoneMatch() {
    HttpProblem problem = assertThrows(HttpProblem.class, () -> Preconditions.parse(null, "*").check("acme", LIVE_3));
    assertEquals(412, problem.status());
    assertEquals("If-None-Match", problem.field());
  }

  @Test
  void check_ifNoneMatchStarOnMissingOrDeletedTenant_holds() {
    assertDoesNotThrow(() -> Preconditions.parse(null, "*").check("acme", null));
    assertDoesNotThrow(() -> Preconditions.parse(null, "*").check("acme", DELETED_4));
  }

  @Test
  void check_ifNoneMatchOtherVersion_holds() {
    assertDoesNotThrow(() -> Preconditions.parse(null, "\"2\"").check("acme", LIVE_3));
    assertEquals(412, assertThrows(HttpProblem.class, () -> Preconditions.parse(null, "\"3\"").check("acme", LIVE_3)).status());
  }
}
