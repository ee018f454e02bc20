package dev.tcs.region.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.config.ConfigException;
import dev.tcs.core.config.Settings;
import dev.tcs.core.http.HttpProblem;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FaultsTest {
  @Test
  void with_absentFields_keepTheirValues() {
    Faults slow = Faults.NONE.with(new JsonObject().put("latency", "250ms").put("latencyFraction", 0.25));
    Faults both = slow.with(new JsonObject().put("ingestPaused", true));
    assertEquals(Duration.ofMillis(250), both.latency());
    assertEquals(0.25, both.latencyFraction());
    assertTrue(both.ingestPaused());
  }

  @Test
  void with_latencyWithoutFraction_appliesToEveryRead() {
    assertEquals(1.0, Faults.NONE.with(new JsonObject().put("latency", "1s")).latencyFraction());
  }

  @Test
  void with_emptyBody_changesNothing() {
    assertTrue(Faults.NONE.with(new JsonObject()).none());
  }

  @Test
  void with_badValues_name400TheField() {
    assertField("dynamoFailures", new JsonObject().put("dynamoFailures", -0.1));
    assertField("dropInvalidations", new JsonObject().put("dropInvalidations", "all"));
    assertField("ingestDelay", new JsonObject().put("ingestDelay", "61s"));
    assertField("ingestPaused", new JsonObject().put("ingestPaused", 1));
    assertField("nope", new JsonObject().put("nope", 1));
  }

  @Test
  void settings_unknownKey_stopsStartNamingIt() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> ChaosSettings.from(Settings.of("chaos", new JsonObject().put("enable", true))));
    assertTrue(e.getMessage().contains("enable"), e.getMessage());
    assertEquals(false, ChaosSettings.from(Settings.of("chaos", null)).enabled(), "off unless enabled");
  }

  private static void assertField(String field, JsonObject body) {
    HttpProblem problem = assertThrows(HttpProblem.class, () -> Faults.NONE.with(body));
    assertEquals(400, problem.status());
    assertEquals(field, problem.field());
    assertTrue(problem.detail().contains(field), problem.detail());
  }
}
