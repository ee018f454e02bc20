package dev.tcs.core.model;

import static dev.tcs.core.model.ValidationException.quote;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Typed, validating reads of JSON fields; every failure names the field it read. */
public final class JsonFields {
  private static final Pattern LOCATION = Pattern.compile("line: (\\d+), column: (\\d+)");

  private JsonFields() {}

  /** Parses {@code bytes} as one JSON object, naming {@code field} if it is not one. */
  public static JsonObject parseObject(String field, Buffer bytes) {
    Object value;
    try {
      // toJsonValue, not toJson: in Vert.x 5 Buffer.toJson() is the buffer's own JSON encoding
      // (a String), never the document it holds.
      value = bytes == null || bytes.length() == 0 ? null : bytes.toJsonValue();
    } catch (DecodeException e) {
      // Only where it broke: the parser's own message quotes the offending token, which may be
      // part of a credential, and this message reaches logs and problem responses.
      throw new ValidationException(field, field + " is not valid JSON" + location(e.getMessage()));
    }
    if (!(value instanceof JsonObject object)) {
      throw new ValidationException(field, field + " must be a JSON object");
    }
    return object;
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

  /** {@code " (line 1, column 7)"} from a Jackson message, or nothing when it names no place. */
  private static String location(String message) {
    Matcher m = message == null ? null : LOCATION.matcher(message);
    return m != null && m.find() ? " (line " + m.group(1) + ", column " + m.group(2) + ")" : "";
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
