package dev.tcs.core.read;

import dev.tcs.core.model.Invalidation;
import dev.tcs.core.model.JsonFields;
import dev.tcs.core.model.ValidationException;
import dev.tcs.core.model.View;
import dev.tcs.core.security.Hmac;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * What travels on a region's invalidation topic ({@value Invalidation#TOPIC}): the core
 * {@link Invalidation} as JSON plus the field {@code revision}, the view's definitions revision,
 * so a rebuild (same version, higher revision) drops exactly the older entries. Readers of the
 * core message ignore the extra field; a message without it has an unknown revision.
 *
 * <p>On the topic a message travels sealed with the region's shared invalidation key
 * ({@link #seal}, {@link Hmac#seal}: {@code <tag>.<json>}); receivers open it first
 * ({@link #open}) and drop what does not carry the key's tag.
 *
 * @param revision the view's definitions revision, {@link Stamp#UNKNOWN_REVISION} when not said
 */
public record InvalidationMessage(Invalidation invalidation, long revision) {

  /** The message of a view just applied, with the host keys it names. */
  public static InvalidationMessage of(Invalidation invalidation, View view) {
    return new InvalidationMessage(invalidation, view.revision());
  }

  /** Where the message stands in its tenant's history. */
  public Stamp stamp() {
    return new Stamp(invalidation.version(), revision);
  }

  public String encode() {
    JsonObject json = invalidation.toJson();
    if (revision != Stamp.UNKNOWN_REVISION) {
      json.put("revision", revision);
    }
    return json.encode();
  }

  /** The encoded message sealed with {@code key}: what a region publishes. */
  public String seal(Hmac key) {
    return key.seal(encode());
  }

  /**
   * The JSON text inside a sealed payload.
   *
   * @throws ValidationException (field {@code signature}) when the payload is not a string, or
   *     carries no tag or one made with another key
   */
  public static String open(Object payload, Hmac key) {
    String sealed;
    if (payload instanceof String string) {
      sealed = string;
    } else if (payload instanceof byte[] bytes) {
      sealed = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    } else {
      String type = payload == null ? "null" : payload.getClass().getName();
      throw new ValidationException("signature", "a sealed invalidation must be text, but the payload was a " + type);
    }
    return key.open(sealed);
  }

  /**
   * Parses and validates a message payload read from the topic: JSON text as a {@code String} or
   * UTF-8 {@code byte[]}. Throws a {@link ValidationException} naming the field.
   */
  public static InvalidationMessage decode(Object payload) {
    Buffer text;
    if (payload instanceof String string) {
      text = Buffer.buffer(string);
    } else if (payload instanceof byte[] bytes) {
      text = Buffer.buffer(bytes);
    } else {
      String type = payload == null ? "null" : payload.getClass().getName();
      throw new ValidationException("invalidation", "invalidation must be JSON text, but the payload was a " + type);
    }
    JsonObject json = JsonFields.parseObject("invalidation", text);
    Invalidation invalidation = Invalidation.fromJson(json);
    long revision = json.getValue("revision") == null ? Stamp.UNKNOWN_REVISION : JsonFields.longAtLeast(json, "revision", 0);
    return new InvalidationMessage(invalidation, revision);
  }
}
