package dev.tcs.projector;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Reads only {@code tenantId}, {@code consumer}, {@code version} and {@code revision} of an
 * encoded view record, with Jackson's streaming parser, stopping as soon as it has all four (they
 * come before keys and body in {@code View.toJson}). {@link LiveViews} uses it to keep only the
 * newest record per {@code (tenant, consumer)} and decode just those. Says nothing about
 * validity: the picked record is fully decoded and validated afterwards.
 */
final class ViewPeek {
  private static final JsonFactory JSON = new JsonFactory();

  /** What a view record claims: whose view it is, and how new. */
  record Peeked(String tenantId, String consumer, long version, long revision) {
    EventProjector.ViewId id() {
      return new EventProjector.ViewId(tenantId, consumer);
    }

    /** Newer by version, then by revision, as {@link LiveViews.Summary#newerThan}. */
    boolean newerThan(long otherVersion, long otherRevision) {
      return version != otherVersion ? version > otherVersion : revision > otherRevision;
    }
  }

  private ViewPeek() {}

  /** The view's id, version and revision, or null if the value does not start like a view. */
  static Peeked peek(byte[] value) {
    if (value == null) {
      return null;
    }
    String tenantId = null;
    String consumer = null;
    long version = -1;
    long revision = -1;
    try (JsonParser parser = JSON.createParser(value)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken next = parser.nextToken();
        if ("tenantId".equals(name) && next == JsonToken.VALUE_STRING) {
          tenantId = parser.getText();
        } else if ("consumer".equals(name) && next == JsonToken.VALUE_STRING) {
          consumer = parser.getText();
        } else if ("version".equals(name) && next == JsonToken.VALUE_NUMBER_INT) {
          version = parser.getLongValue();
        } else if ("revision".equals(name) && next == JsonToken.VALUE_NUMBER_INT) {
          revision = parser.getLongValue();
        } else {
          parser.skipChildren();
        }
        if (tenantId != null && consumer != null && version >= 0 && revision >= 0) {
          return new Peeked(tenantId, consumer, version, revision);
        }
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
