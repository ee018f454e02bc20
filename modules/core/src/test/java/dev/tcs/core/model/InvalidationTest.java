package dev.tcs.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class InvalidationTest {

  private static final Invalidation INVALIDATION = new Invalidation("acme", "jira", List.of("acme.example.net"), 9);

  @Test
  void fromJson_whatToJsonWrote_equalInvalidation() {
    assertEquals(INVALIDATION, Invalidation.fromJson(INVALIDATION.toJson()));
  }

  @Test
  void fromJson_throughTheWire_equalInvalidation() {
    assertEquals(INVALIDATION, Invalidation.fromJson(new JsonObject(INVALIDATION.toJson().encode())));
  }

  @Test
  void of_view_takesTenantConsumerKeysAndVersion() {
    View view = new View("acme", "jira", 9, 1, List.of("acme.example.net"), false, new JsonObject());
    assertEquals(INVALIDATION, Invalidation.of(view));
  }

  @Test
  void topic_isTheContractName() {
    assertEquals("tcs.invalidations", Invalidation.TOPIC);
  }

  static Stream<Arguments> badRecords() {
    return Stream.of(
        bad("tenantId", json -> json.remove("tenantId")),
        bad("tenantId", json -> json.put("tenantId", "UPPER")),
        bad("consumer", json -> json.remove("consumer")),
        bad("consumer", json -> json.put("consumer", "-x")),
        bad("keys", json -> json.put("keys", 5)),
        bad("keys[0]", json -> json.put("keys", new JsonArray().add("bad host"))),
        bad("version", json -> json.remove("version")),
        bad("version", json -> json.put("version", 0)),
        bad("version", json -> json.put("version", "9")));
  }

  private static Arguments bad(String field, Consumer<JsonObject> breaker) {
    return Arguments.of(field, breaker);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRecords")
  void fromJson_badRecord_namesField(String field, Consumer<JsonObject> breaker) {
    JsonObject json = INVALIDATION.toJson();
    breaker.accept(json);
    ValidationException e = assertThrows(ValidationException.class, () -> Invalidation.fromJson(json));
    assertEquals(field, e.field(), e.getMessage());
  }

  @Test
  void constructor_keys_copied() {
    java.util.ArrayList<String> keys = new java.util.ArrayList<>(List.of("a.example"));
    Invalidation invalidation = new Invalidation("acme", "jira", keys, 1);
    keys.add("b.example");
    assertEquals(List.of("a.example"), invalidation.keys());
  }
}
