package dev.tcs.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class CatalogueEventTest {

  private static final Instant AT = Instant.parse("2026-11-21T10:15:30.123Z");
  private static final JsonObject DOCUMENT =
      new JsonObject()
          .put("tenantId", "acme")
          .put("hosts", new JsonArray().add("acme.example.net"))
          .put("jira", new JsonObject().put("db-password", "secret"));

  private static CatalogueEvent event(EventType type) {
    return new CatalogueEvent("e-1", "acme", 3, type, AT, type == EventType.DELETED ? null : DOCUMENT, "writer-1", "req-1");
  }

  @ParameterizedTest
  @EnumSource(EventType.class)
  void fromBuffer_whatToBufferWrote_equalEvent(EventType type) {
    CatalogueEvent event = event(type);
    assertEquals(event, CatalogueEvent.fromBuffer(event.toBuffer()));
  }

  @Test
  void fromBuffer_withoutWriterAndRequestId_roundTrips() {
    CatalogueEvent event = new CatalogueEvent("e-1", "acme", 1, EventType.CREATED, AT, DOCUMENT, null, null);
    CatalogueEvent decoded = CatalogueEvent.fromBuffer(event.toBuffer());
    assertEquals(event, decoded);
    assertNull(decoded.writer());
  }

  @Test
  void toJson_wireNames_areLowercase() {
    JsonObject json = event(EventType.RESTORED).toJson();
    assertEquals("restored", json.getString("type"));
    assertEquals("2026-11-21T10:15:30.123Z", json.getString("occurredAt"));
    assertEquals(3L, json.getLong("version"));
  }

  @Test
  void isDeletion_onlyForDeleted() {
    assertTrue(event(EventType.DELETED).isDeletion());
    assertEquals(false, event(EventType.UPDATED).isDeletion());
  }

  static Stream<Arguments> badRecords() {
    return Stream.of(
        bad("eventId", json -> json.remove("eventId")),
        bad("eventId", json -> json.put("eventId", "")),
        bad("eventId", json -> json.put("eventId", 7)),
        bad("tenantId", json -> json.remove("tenantId")),
        bad("tenantId", json -> json.put("tenantId", "ACME")),
        bad("version", json -> json.remove("version")),
        bad("version", json -> json.put("version", 0)),
        bad("version", json -> json.put("version", -4)),
        bad("version", json -> json.put("version", 1.5)),
        bad("version", json -> json.put("version", "3")),
        bad("type", json -> json.remove("type")),
        bad("type", json -> json.put("type", "CREATED")),
        bad("type", json -> json.put("type", "renamed")),
        bad("occurredAt", json -> json.remove("occurredAt")),
        bad("occurredAt", json -> json.put("occurredAt", "yesterday")),
        bad("occurredAt", json -> json.put("occurredAt", 1700000000)),
        bad("document", json -> json.remove("document")),
        bad("document", json -> json.put("document", "{}")),
        bad("document", json -> json.put("document", new JsonArray())),
        bad("tenantId", json -> json.put("document", DOCUMENT.copy().put("tenantId", "other"))),
        bad("hosts[0]", json -> json.put("document", DOCUMENT.copy().put("hosts", new JsonArray().add("Bad Host")))),
        bad("writer", json -> json.put("writer", 42)),
        bad("requestId", json -> json.put("requestId", new JsonObject())));
  }

  private static Arguments bad(String field, Consumer<JsonObject> breaker) {
    return Arguments.of(field, breaker);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRecords")
  void fromBuffer_badRecord_namesField(String field, Consumer<JsonObject> breaker) {
    JsonObject json = event(EventType.UPDATED).toJson();
    breaker.accept(json);
    ValidationException e = assertThrows(ValidationException.class, () -> CatalogueEvent.fromBuffer(json.toBuffer()));
    assertEquals(field, e.field(), e.getMessage());
  }

  @Test
  void fromBuffer_deletedWithDocument_namesDocument() {
    JsonObject json = event(EventType.UPDATED).toJson().put("type", "deleted");
    ValidationException e = assertThrows(ValidationException.class, () -> CatalogueEvent.fromBuffer(json.toBuffer()));
    assertEquals("document", e.field());
  }

  @Test
  void fromBuffer_notJson_namesEvent() {
    ValidationException e = assertThrows(ValidationException.class, () -> CatalogueEvent.fromBuffer(Buffer.buffer("{oops")));
    assertEquals("event", e.field());
    assertEquals("event", assertThrows(ValidationException.class, () -> CatalogueEvent.fromBuffer(Buffer.buffer("[]"))).field());
    assertEquals("event", assertThrows(ValidationException.class, () -> CatalogueEvent.fromBuffer(null)).field());
  }

  @Test
  void fromBuffer_documentOver64KiB_rejected() {
    JsonObject big = DOCUMENT.copy().put("pad", "p".repeat(TenantContext.MAX_BYTES));
    JsonObject json = event(EventType.UPDATED).toJson().put("document", big);
    assertThrows(TenantContext.DocumentTooLargeException.class, () -> CatalogueEvent.fromBuffer(json.toBuffer()));
  }

  @Test
  void constructor_deletedWithDocument_rejected() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new CatalogueEvent("e", "acme", 1, EventType.DELETED, AT, DOCUMENT, null, null));
    assertThrows(
        IllegalArgumentException.class, () -> new CatalogueEvent("e", "acme", 1, EventType.CREATED, AT, null, null, null));
    assertThrows(
        IllegalArgumentException.class, () -> new CatalogueEvent("e", "acme", 0, EventType.CREATED, AT, DOCUMENT, null, null));
  }

  @Test
  void fromWire_unknown_listsAllowedValues() {
    ValidationException e = assertThrows(ValidationException.class, () -> EventType.fromWire("type", "moved"));
    assertEquals("type must be one of created|updated|deleted|restored, but was 'moved'", e.getMessage());
  }
}
