package dev.tcs.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SettingsTest {

  private static final JsonObject ROOT =
      new JsonObject()
          .put(
              "http",
              new JsonObject().put("host", "127.0.0.1").put("port", 8080))
          .put(
              "catalogue",
              new JsonObject()
                  .put("relay", new JsonObject().put("batch", 50).put("interval", "250ms").put("enabled", true))
                  .put("regions", new JsonArray().add("us-east").add("eu-west")));

  private static Settings catalogue() {
    return Settings.of("", ROOT).section("catalogue");
  }

  private static ConfigException fails(Runnable read) {
    return assertThrows(ConfigException.class, read::run);
  }

  @Test
  void section_nested_pathIsDotted() {
    Settings relay = catalogue().section("relay");
    assertEquals("catalogue.relay", relay.path());
    assertEquals("catalogue.relay.batch", relay.key("batch"));
  }

  @Test
  void section_absent_emptyAndDefaultsApply() {
    Settings missing = Settings.of("", ROOT).section("kafka");
    assertFalse(missing.has("bootstrap-servers"));
    assertEquals(7, missing.integer("x", 0, 10, 7));
    assertEquals("d", missing.string("y", "d"));
  }

  @Test
  void section_notAMapping_namesFullKey() {
    ConfigException e = fails(() -> catalogue().section("regions"));
    assertTrue(e.getMessage().startsWith("catalogue.regions must be a section"), e.getMessage());
  }

  @Test
  void string_present_returned() {
    assertEquals("127.0.0.1", Settings.of("", ROOT).section("http").string("host"));
  }

  @Test
  void string_missingOrBlankOrWrongType_namesFullKey() {
    Settings relay = catalogue().section("relay");
    assertTrue(fails(() -> relay.string("name")).getMessage().startsWith("catalogue.relay.name is required"));
    assertTrue(fails(() -> relay.string("batch")).getMessage().startsWith("catalogue.relay.batch is required"));
    Settings blank = Settings.of("x", new JsonObject().put("name", "  "));
    assertTrue(fails(() -> blank.string("name", "default")).getMessage().startsWith("x.name "));
  }

  @Test
  void integer_inRange_returned() {
    assertEquals(50, catalogue().section("relay").integer("batch", 1, 100, 10));
  }

  @Test
  void integer_outOfRangeOrNotInteger_namesFullKeyRangeAndValue() {
    Settings relay = catalogue().section("relay");
    assertEquals(
        "catalogue.relay.batch must be an integer in 1..10, but was '50'", fails(() -> relay.integer("batch", 1, 10, 5)).getMessage());
    Settings odd = Settings.of("s", new JsonObject().put("a", 1.5).put("b", "7").put("c", 5_000_000_000L));
    assertTrue(fails(() -> odd.integer("a", 0, 10, 1)).getMessage().startsWith("s.a must be an integer"));
    assertTrue(fails(() -> odd.integer("b", 0, 10, 1)).getMessage().startsWith("s.b must be an integer"));
    assertTrue(fails(() -> odd.integer("c", 0, Integer.MAX_VALUE, 1)).getMessage().startsWith("s.c must be an integer"));
  }

  @Test
  void port_outOfRange_namesFullKey() {
    Settings http = Settings.of("", new JsonObject().put("http", new JsonObject().put("port", 70000))).section("http");
    assertEquals("http.port must be an integer in 0..65535, but was '70000'", fails(() -> http.port("port", 8080)).getMessage());
    assertEquals(8081, Settings.of("http", new JsonObject()).port("port", 8081));
  }

  @Test
  void longValue_bounds_namesFullKey() {
    Settings s = Settings.of("s", new JsonObject().put("big", 5_000_000_000L).put("neg", -1));
    assertEquals(5_000_000_000L, s.longValue("big", 0, Long.MAX_VALUE, 0));
    assertTrue(fails(() -> s.longValue("neg", 0, 10, 0)).getMessage().startsWith("s.neg must be an integer in 0..10"));
  }

  @Test
  void bool_wrongType_namesFullKey() {
    Settings s = Settings.of("s", new JsonObject().put("on", true).put("text", "yes"));
    assertTrue(s.bool("on", false));
    assertTrue(s.bool("absent", true));
    assertEquals("s.text must be true or false, but was 'yes'", fails(() -> s.bool("text", false)).getMessage());
  }

  @ParameterizedTest
  @CsvSource({"250ms,PT0.25S", "5s,PT5S", "10m,PT10M", "1h,PT1H", "2d,PT48H", "0s,PT0S", "' 3 s ',PT3S"})
  void duration_eachUnit_parsed(String text, String expected) {
    assertEquals(Duration.parse(expected), Settings.of("s", new JsonObject().put("d", text)).duration("d", Duration.ZERO));
  }

  @Test
  void duration_absent_default() {
    assertEquals(Duration.ofSeconds(9), Settings.of("s", new JsonObject()).duration("d", Duration.ofSeconds(9)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"5", "5 sec", "-5s", "1.5s", "s", "5S", "PT5S", ""})
  void duration_malformed_namesFullKey(String text) {
    Settings s = Settings.of("kafka", new JsonObject().put("commit-interval", text));
    ConfigException e = fails(() -> s.duration("commit-interval", Duration.ZERO));
    assertTrue(e.getMessage().startsWith("kafka.commit-interval must be a duration"), e.getMessage());
  }

  @Test
  void duration_number_namesFullKey() {
    Settings s = Settings.of("kafka", new JsonObject().put("commit-interval", 500));
    assertTrue(fails(() -> s.duration("commit-interval", Duration.ZERO)).getMessage().startsWith("kafka.commit-interval must be a duration"));
  }

  @Test
  void duration_tooLarge_namesFullKey() {
    Settings s = Settings.of("kafka", new JsonObject().put("a", "99999999999999999999s").put("b", "9999999999999999d"));
    assertTrue(fails(() -> s.duration("a", Duration.ZERO)).getMessage().startsWith("kafka.a "));
    assertTrue(fails(() -> s.duration("b", Duration.ZERO)).getMessage().startsWith("kafka.b "));
  }

  @Test
  void strings_listOrCommaSeparated_returned() {
    assertEquals(List.of("us-east", "eu-west"), catalogue().strings("regions", List.of()));
    Settings s = Settings.of("s", new JsonObject().put("csv", " a, b ,,c "));
    assertEquals(List.of("a", "b", "c"), s.strings("csv", List.of()));
    assertEquals(List.of("x"), s.strings("absent", List.of("x")));
  }

  @Test
  void strings_badItem_namesFullKeyAndIndex() {
    Settings s = Settings.of("s", new JsonObject().put("list", new JsonArray().add("a").add(3)).put("num", 4));
    assertTrue(fails(() -> s.strings("list", List.of())).getMessage().startsWith("s.list[1] must be a non-empty string"));
    assertTrue(fails(() -> s.strings("num", List.of())).getMessage().startsWith("s.num must be a list of strings"));
  }

  @Test
  void allowOnly_knownKeys_passes() {
    Settings relay = catalogue().section("relay");
    assertEquals(relay, relay.allowOnly("batch", "interval", "enabled"));
  }

  @Test
  void allowOnly_unknownKey_namesFullKeyAndListsKnown() {
    Settings http = Settings.of("", new JsonObject().put("http", new JsonObject().put("host", "h").put("prot", 1))).section("http");
    assertEquals("http.prot is not a known key; known keys here: host, port", fails(() -> http.allowOnly("host", "port")).getMessage());
  }

  @Test
  void allowOnly_atRoot_namesBareKey() {
    Settings root = Settings.of("", new JsonObject().put("htp", new JsonObject()));
    assertTrue(fails(() -> root.allowOnly("http")).getMessage().startsWith("htp is not a known key"));
  }

  @Test
  void check_false_namesFullKeyRuleAndValue() {
    Settings s = Settings.of("region", new JsonObject().put("name", "mars"));
    assertEquals("region.name must be one of us-east, eu-west, but was 'mars'", fails(() -> s.check(false, "name", "must be one of us-east, eu-west")).getMessage());
    s.check(true, "name", "never");
  }
}
