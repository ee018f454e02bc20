package dev.tcs.core.model;

import static dev.tcs.core.model.ValidationException.quote;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** Typed, validating reads of JSON fields; every failure names the field it read. */
public final class JsonFields {
  private JsonFields() {}

  /**
   * Parses {@code bytes} as one JSON object, naming {@code field} if it is not one; strictly
   * ({@link StrictJson}): nested at most {@link StrictJson#MAX_DEPTH} levels, numbers kept exactly
   * or refused, no repeated keys.
   */
  public static JsonObject parseObject(String field, Buffer bytes) {
    if (bytes == null || bytes.length() == 0) {
      throw new ValidationException(field, field + " must be a JSON object");
    }
    return StrictJson.parseObject(field, bytes, StrictJson.MAX_DEPTH);
  }

  public static String string(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (!(value instanceof String text) || text.isEmpty()) {
      throw new ValidationException(field, field + " must be a non-empty string, but was " + quote(value));
    }
    return text;
  }

  public static String optionalString(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value != null && !(value instanceof String)) {
      throw new ValidationException(field, field + " must be a string, but was " + quote(value));
    }
    return (String) value;
  }

  public static long longAtLeast(JsonObject json, String field, long min) {
    Object value = json.getValue(field);
    if (!(value instanceof Number number)
        || number.doubleValue() != number.longValue()
        || number.longValue() < min) {
      throw new ValidationException(field, field + " must be an integer >= " + min + ", but was " + quote(value));
    }
    return number.longValue();
  }

  public static boolean bool(JsonObject json, String field, boolean defaultValue) {
    Object value = json.getValue(field);
    if (value == null) {
      return defaultValue;
    }
    if (!(value instanceof Boolean flag)) {
      throw new ValidationException(field, field + " must be true or false, but was " + quote(value));
    }
    return flag;
  }

  public static Instant instant(JsonObject json, String field) {
    String text = string(json, field);
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new ValidationException(field, field + " must be an ISO-8601 instant, but was " + quote(text));
    }
  }

  public static JsonObject object(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (!(value instanceof JsonObject object)) {
      throw new ValidationException(field, field + " must be a JSON object");
    }
    return object;
  }

  public static JsonObject optionalObject(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value != null && !(value instanceof JsonObject)) {
      throw new ValidationException(field, field + " must be a JSON object or absent");
    }
    return (JsonObject) value;
  }

  public static List<String> strings(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array)) {
      throw new ValidationException(field, field + " must be an array of strings");
    }
    List<String> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof String text)) {
        throw new ValidationException(field + "[" + i + "]", field + "[" + i + "] must be a string");
      }
      out.add(text);
    }
    return List.copyOf(out);
  }

  /** A deep copy of a JSON value: objects and arrays are copied, scalars are immutable already. */
  public static Object deepCopy(Object value) {
    if (value instanceof JsonObject object) {
      return object.copy();
    }
    if (value instanceof JsonArray array) {
      return array.copy();
    }
    return value;
  }
}
