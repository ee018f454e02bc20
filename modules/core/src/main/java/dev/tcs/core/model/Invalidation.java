package dev.tcs.core.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Tells every cache of a region that {@code (tenantId, consumer)} changed to {@code version}. A
 * receiver drops a cached entry only if it is older than {@code version}.
 *
 * @param keys the host keys of the view, so host-keyed cache entries can be dropped too
 */
public record Invalidation(String tenantId, String consumer, List<String> keys, long version) {
  /** The Hazelcast reliable topic every region publishes invalidations on. */
  public static final String TOPIC = "tcs.invalidations";

  public Invalidation {
    keys = List.copyOf(keys);
  }

  public static Invalidation of(View view) {
    return new Invalidation(view.tenantId(), view.consumer(), view.keys(), view.version());
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("tenantId", tenantId)
        .put("consumer", consumer)
        .put("keys", new JsonArray(keys))
        .put("version", version);
  }

  public static Invalidation fromJson(JsonObject json) {
    return new Invalidation(
        TenantIds.require("tenantId", JsonFields.optionalString(json, "tenantId")),
        Consumers.require("consumer", JsonFields.optionalString(json, "consumer")),
        Hosts.fromJson("keys", json.getValue("keys")),
        JsonFields.longAtLeast(json, "version", 1));
  }
}
