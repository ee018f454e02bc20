package dev.tcs.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ViewTest {

  private static final View VIEW =
      new View(
          "acme",
          "network-ingress",
          7,
          2,
          List.of("acme.example.net", "www.acme.example.net"),
          false,
          new JsonObject().put("tenantId", "acme").put("network-ingress", new JsonObject().put("/", "http://jira.internal")));

  @Test
  void fromBuffer_whatToBufferWrote_equalView() {
    assertEquals(VIEW, View.fromBuffer(VIEW.toBuffer()));
  }

  @Test
  void fromBuffer_deletedView_roundTrips() {
    View deleted = new View("acme", "jira", 8, 2, List.of(), true, new JsonObject());
    assertEquals(deleted, View.fromBuffer(deleted.toBuffer()));
  }

  @Test
  void fromJson_absentDeletedAndKeys_defaults() {
    JsonObject json = VIEW.toJson();
    json.remove("deleted");
    json.remove("keys");
    View view = View.fromJson(json);
    assertFalse(view.deleted());
    assertEquals(List.of(), view.keys());
  }

  static Stream<Arguments> badRecords() {
    return Stream.of(
        bad("tenantId", json -> json.remove("tenantId")),
        bad("tenantId", json -> json.put("tenantId", "x")),
        bad("consumer", json -> json.remove("consumer")),
        bad("consumer", json -> json.put("consumer", "Jira")),
        bad("consumer", json -> json.put("consumer", 5)),
        bad("version", json -> json.put("version", 0)),
        bad("version", json -> json.remove("version")),
        bad("revision", json -> json.put("revision", -1)),
        bad("revision", json -> json.remove("revision")),
        bad("keys", json -> json.put("keys", "acme.example.net")),
        bad("keys[1]", json -> json.put("keys", new JsonArray().add("a.example").add("A B"))),
        bad("keys[1]", json -> json.put("keys", new JsonArray().add("a.example").add("a.example"))),
        bad("deleted", json -> json.put("deleted", "yes")),
        bad("body", json -> json.remove("body")),
        bad("body", json -> json.put("body", new JsonArray())));
  }

  private static Arguments bad(String field, Consumer<JsonObject> breaker) {
    return Arguments.of(field, breaker);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRecords")
  void fromBuffer_badRecord_namesField(String field, Consumer<JsonObject> breaker) {
    JsonObject json = VIEW.toJson();
    breaker.accept(json);
    ValidationException e = assertThrows(ValidationException.class, () -> View.fromBuffer(json.toBuffer()));
    assertEquals(field, e.field(), e.getMessage());
  }

  @Test
  void fromBuffer_notJson_namesView() {
    assertEquals("view", assertThrows(ValidationException.class, () -> View.fromBuffer(Buffer.buffer("nope"))).field());
    assertEquals("view", assertThrows(ValidationException.class, () -> View.fromBuffer(Buffer.buffer("\"text\""))).field());
  }
}
