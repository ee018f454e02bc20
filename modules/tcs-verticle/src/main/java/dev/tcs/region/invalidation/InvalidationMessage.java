package dev.tcs.region.invalidation;

import dev.tcs.core.model.Invalidation;
import dev.tcs.core.model.JsonFields;
import dev.tcs.core.model.ValidationException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * What travels on the region's Hazelcast topic: the core {@link Invalidation} as JSON, plus the
 * field {@code revision} (the definitions revision of the view). Readers of the core message
 * ignore the extra field; a region uses it so a rebuild (same version, higher revision) drops
 * exactly the older entries.
 *
 * @param revision the view's definitions revision, or {@code -1} when the sender did not say
 */
public record InvalidationMessage(Invalidation invalidation, long revision) {
  public static final long UNKNOWN_REVISION = -1;

  public String encode() {
    JsonObject json = invalidation.toJson();
    if (revision >= 0) {
      json.put("revision", revision);
    }
    return json.encode();
  }

  /** Parses and validates a message read from the topic; throws {@link ValidationException} naming the field. */
  public static InvalidationMessage decode(String text) {
    JsonObject json;
    try {
      json = text == null ? null : new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      json = null;
    }
    if (json == null) {
      throw new ValidationException("invalidation", "invalidation must be a JSON object");
    }
    Invalidation invalidation = Invalidation.fromJson(json);
    long revision = json.getValue("revision") == null ? UNKNOWN_REVISION : JsonFields.longAtLeast(json, "revision", 0);
    return new InvalidationMessage(invalidation, revision);
  }
}
