package dev.tcs.core.security;

import dev.tcs.core.log.Append;
import dev.tcs.core.log.BatchHandler;
import dev.tcs.core.log.EventLog;
import dev.tcs.core.log.RecordHandler;
import dev.tcs.core.log.Subscription;
import dev.tcs.core.model.JsonFields;
import dev.tcs.core.model.ValidationException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The authentication tag of a view record on the views topic: field {@code tag} of the view's
 * JSON, the {@link Hmac} of the view's JSON text without it. Vert.x encodes a parsed object in
 * the order and form it was read, so a region recomputes exactly the text the projector tagged.
 */
public final class ViewTags {
  /** The field of a view record that holds its tag. */
  public static final String FIELD = "tag";

  private ViewTags() {}

  /** The view record {@code view} (a JSON object) with its tag added. */
  public static Buffer tag(Hmac key, Buffer view) {
    JsonObject json = JsonFields.parseObject("view", view);
    json.remove(FIELD);
    String tag = key.tag(json.encode().getBytes(StandardCharsets.UTF_8));
    return json.put(FIELD, tag).toBuffer();
  }

  /**
   * The view record {@code view} with its tag added, from a view built in this process (for
   * example {@code View.toJson()}), which must hold no {@code tag} field: the same record as
   * {@link #tag(Hmac, Buffer)} of its encoding, without parsing that back first. A projector
   * publishing many views at once (a rebuild) tags them this way.
   *
   * @throws IllegalArgumentException if {@code view} already has a {@code tag} field
   */
  public static Buffer tag(Hmac key, JsonObject view) {
    if (view.containsKey(FIELD)) {
      throw new IllegalArgumentException("view already has a " + FIELD + " field");
    }
    String text = view.encode();
    String tag = key.tag(text.getBytes(StandardCharsets.UTF_8));
    // What view.put(FIELD, tag).encode() gives (the tag is base64url: nothing to escape), without encoding it twice.
    StringBuilder tagged = new StringBuilder(text.length() + tag.length() + 10);
    tagged.append(text, 0, text.length() - 1);
    if (!view.isEmpty()) {
      tagged.append(',');
    }
    tagged.append('"').append(FIELD).append("\":\"").append(tag).append("\"}");
    return Buffer.buffer(tagged.toString());
  }

  /**
   * The view record without its tag, when the tag is right.
   *
   * @throws ValidationException field {@code tag} when it has none or a wrong one; field
   *     {@code view} when it is not a JSON object
   */
  public static JsonObject verify(Hmac key, Buffer record) {
    JsonObject json = JsonFields.parseObject("view", record);
    Object tag = json.remove(FIELD);
    if (!(tag instanceof String text)) {
      throw new ValidationException(FIELD, "view carries no tag");
    }
    if (!key.matches(json.encode().getBytes(StandardCharsets.UTF_8), text)) {
      throw new ValidationException(FIELD, "view tag does not match its content");
    }
    return json;
  }

  /**
   * An event log whose appends to {@code viewsTopic}, one at a time or in bulk, are tagged with
   * {@code key}; everything else (including the batch lanes) passes through to {@code log}.
   */
  public static EventLog signing(EventLog log, String viewsTopic, Hmac key) {
    return new EventLog() {
      @Override
      public Future<Void> ensureTopic(String topic, int partitions, boolean retainForever) {
        return log.ensureTopic(topic, partitions, retainForever);
      }

      @Override
      public Future<Void> append(String topic, String key2, Buffer value) {
        return log.append(topic, key2, topic.equals(viewsTopic) ? tag(key, value) : value);
      }

      @Override
      public Future<Void> appendAll(String topic, List<Append> records) {
        if (!topic.equals(viewsTopic)) {
          return log.appendAll(topic, records);
        }
        List<Append> tagged = new ArrayList<>(records.size());
        for (Append record : records) {
          tagged.add(new Append(record.key(), tag(key, record.value())));
        }
        return log.appendAll(topic, tagged);
      }

      @Override
      public Future<Subscription> subscribe(String topic, String group, RecordHandler handler) {
        return log.subscribe(topic, group, handler);
      }

      @Override
      public Future<Subscription> subscribeInBatches(String topic, String group, BatchHandler handler) {
        return log.subscribeInBatches(topic, group, handler);
      }

      @Override
      public Future<Subscription> replayInBatches(String topic, String groupPrefix, BatchHandler handler) {
        return log.replayInBatches(topic, groupPrefix, handler);
      }

      @Override
      public Future<Subscription> replay(String topic, String groupPrefix, RecordHandler handler) {
        return log.replay(topic, groupPrefix, handler);
      }

      @Override
      public Future<Void> close() {
        return log.close();
      }
    };
  }
}
