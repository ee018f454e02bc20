package dev.tcs.projector;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * Reads only {@code tenantId} and {@code version} of an encoded catalogue event, with Jackson's
 * streaming parser, stopping as soon as it has both (they come before the document in
 * {@code CatalogueEvent.toJson}). A rebuild uses it to pick, within a batch, the newest event of
 * each tenant before decoding and projecting only those. Says nothing about validity: the picked
 * record is fully decoded and validated afterwards.
 */
final class EventPeek {
  private static final JsonFactory JSON = new JsonFactory();

  /** The tenant and version an event claims. */
  record Peeked(String tenantId, long version) {}

  private EventPeek() {}

  /** The event's tenant id and version, or null if the value does not start like an event. */
  static Peeked peek(Buffer value) {
    return value == null ? null : peek(value.getBytes());
  }

  /** The event's tenant id and version, or null if the value does not start like an event. */
  static Peeked peek(byte[] value) {
    if (value == null) {
      return null;
    }
    String tenantId = null;
    long version = -1;
    try (JsonParser parser = JSON.createParser(value)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken next = parser.nextToken();
        if ("tenantId".equals(name) && next == JsonToken.VALUE_STRING) {
          tenantId = parser.getText();
        } else if ("version".equals(name) && next == JsonToken.VALUE_NUMBER_INT) {
          version = parser.getLongValue();
        } else {
          parser.skipChildren();
        }
        if (tenantId != null && version >= 0) {
          return new Peeked(tenantId, version);
        }
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
