package dev.tcs.core.model;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Objects;

/**
 * One committed change to a tenant, self-contained: it carries the whole document after the
 * change, so a consumer needs no other state. Downstream is idempotent by {@code (tenantId, version)}.
 *
 * @param eventId unique id of this event
 * @param tenantId the tenant
 * @param version 1 for the first event of a tenant, then +1 per event, without gaps
 * @param type what the change did
 * @param occurredAt when the catalogue committed it
 * @param document the full document after the change; {@code null} for {@link EventType#DELETED}
 * @param writer the subject of the writer's token
 * @param requestId the request that caused it
 */
public record CatalogueEvent(
    String eventId,
    String tenantId,
    long version,
    EventType type,
    Instant occurredAt,
    JsonObject document,
    String writer,
    String requestId) {

  public CatalogueEvent {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(occurredAt, "occurredAt");
    if (version < 1) {
      throw new IllegalArgumentException("version must be >= 1, but was " + version);
    }
    if ((type == EventType.DELETED) != (document == null)) {
      throw new IllegalArgumentException("a deleted event has no document, every other event has one");
    }
  }

  public boolean isDeletion() {
    return type == EventType.DELETED;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("eventId", eventId)
        .put("tenantId", tenantId)
        .put("version", version)
        .put("type", type.wireName())
        .put("occurredAt", occurredAt.toString())
        .put("document", document)
        .put("writer", writer)
        .put("requestId", requestId);
  }

  public Buffer toBuffer() {
    return toJson().toBuffer();
  }

  /** Decodes and validates an event read from the event log or the event store. */
  public static CatalogueEvent fromBuffer(Buffer bytes) {
    return fromJson(JsonFields.parseObject("event", bytes));
  }

  public static CatalogueEvent fromJson(JsonObject json) {
    String tenantId = TenantIds.require("tenantId", JsonFields.optionalString(json, "tenantId"));
    EventType type = EventType.fromWire("type", JsonFields.optionalString(json, "type"));
    JsonObject document = JsonFields.optionalObject(json, "document");
    if (type == EventType.DELETED && document != null) {
      throw new ValidationException("document", "document must be absent for a deleted event");
    }
    if (type != EventType.DELETED) {
      if (document == null) {
        throw new ValidationException("document", "document must be a JSON object for a " + type.wireName() + " event");
      }
      TenantContext.of(tenantId, document);
    }
    return new CatalogueEvent(
        JsonFields.string(json, "eventId"),
        tenantId,
        JsonFields.longAtLeast(json, "version", 1),
        type,
        JsonFields.instant(json, "occurredAt"),
        document,
        JsonFields.optionalString(json, "writer"),
        JsonFields.optionalString(json, "requestId"));
  }
}
