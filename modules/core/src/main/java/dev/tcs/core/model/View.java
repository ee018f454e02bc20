package dev.tcs.core.model;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;

/**
 * What one consumer may see of one tenant, as the projector builds it and every region stores it.
 *
 * @param tenantId the tenant
 * @param consumer the consumer (a token subject) this slice is for
 * @param version the catalogue version it was built from
 * @param revision the revision of the view definitions ({@code views.yaml}) it was built with
 * @param keys the lookup keys besides the tenant id: the tenant's hosts
 * @param deleted true when the tenant was deleted; then {@code body} is empty
 * @param body the slice of the document this consumer may see
 */
public record View(
    String tenantId, String consumer, long version, long revision, List<String> keys, boolean deleted, JsonObject body) {

  public View {
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(consumer, "consumer");
    Objects.requireNonNull(body, "body");
    keys = List.copyOf(keys);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("tenantId", tenantId)
        .put("consumer", consumer)
        .put("version", version)
        .put("revision", revision)
        .put("keys", new JsonArray(keys))
        .put("deleted", deleted)
        .put("body", body);
  }

  public Buffer toBuffer() {
    return toJson().toBuffer();
  }

  /** Decodes and validates a view read from the event log or a region's table. */
  public static View fromBuffer(Buffer bytes) {
    return fromJson(JsonFields.parseObject("view", bytes));
  }

  public static View fromJson(JsonObject json) {
    String tenantId = TenantIds.require("tenantId", JsonFields.optionalString(json, "tenantId"));
    String consumer = Consumers.require("consumer", JsonFields.optionalString(json, "consumer"));
    List<String> keys = Hosts.fromJson("keys", json.getValue("keys"));
    return new View(
        tenantId,
        consumer,
        JsonFields.longAtLeast(json, "version", 1),
        JsonFields.longAtLeast(json, "revision", 0),
        keys,
        JsonFields.bool(json, "deleted", false),
        JsonFields.object(json, "body"));
  }
}
