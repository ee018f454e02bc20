package dev.tcs.core.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * Parses JSON from outside so that what is stored is exactly what was sent, or nothing: a
 * document nested deeper than a limit, a number that a double cannot hold exactly (outside its
 * range, like {@code 1e400}, or with more precision than it keeps, like
 * {@code 0.10000000000000000000001}), a repeated key, a string with an unpaired surrogate (it
 * cannot be written back as UTF-8) or anything after the value is refused with a
 * {@link ValidationException} naming the field and, for a value, its JSON pointer.
 *
 * <p>Integers of any size (up to Jackson's 1000 digits) are kept as they are. Written by hand on
 * Jackson's streaming parser because Vert.x's decoder turns such numbers into
 * {@code Infinity} (then stored as the string {@code "Infinity"}) and has no depth limit of its own.
 */
public final class StrictJson {
  /** The deepest nesting of any JSON this service reads (an envelope around a document). */
  public static final int MAX_DEPTH = 64;

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH + 1).build())
          .build();

  private StrictJson() {}

  /** Parses {@code bytes} as one JSON object nested at most {@code maxDepth} levels (the object itself is level 1). */
  public static JsonObject parseObject(String field, Buffer bytes, int maxDepth) {
    if (bytes == null || bytes.length() == 0) {
      throw new ValidationException(field, field + " must be a JSON object, but was empty");
    }
    try (JsonParser parser = FACTORY.createParser(bytes.getBytes())) {
      JsonToken first = parser.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw new ValidationException(field, field + " must be a JSON object");
      }
      JsonObject object = (JsonObject) value(parser, first, field, Path.ROOT, 1, Math.min(maxDepth, MAX_DEPTH));
      if (parser.nextToken() != null) {
        throw new ValidationException(field, field + " must hold one JSON value, but more follows" + at(parser.currentLocation()));
      }
      return object;
    } catch (StreamConstraintsException e) {
      throw new ValidationException(field, field + " is nested deeper than " + Math.min(maxDepth, MAX_DEPTH) + " levels");
    } catch (JsonProcessingException e) {
      // Only where it broke: the parser's own message quotes the offending token, which may be
      // part of a credential, and this message reaches logs and problem responses.
      throw new ValidationException(field, field + " is not valid JSON" + at(e.getLocation()));
    } catch (IOException e) {
      throw new ValidationException(field, field + " could not be read as JSON");
    }
  }

  /**
   * Where a value sits, as a chain to its parent: its JSON pointer is only spelled out for an
   * error message, so a valid document costs one small object per value, not a string.
   */
  private record Path(Path parent, String name, int index) {
    static final Path ROOT = new Path(null, null, -1);

    Path child(String childName) {
      return new Path(this, childName, -1);
    }

    Path child(int childIndex) {
      return new Path(this, null, childIndex);
    }

    /** The JSON pointer ({@code ""} for the root). */
    String pointer() {
      if (parent == null) {
        return "";
      }
      String token = name == null ? Integer.toString(index) : name.replace("~", "~0").replace("/", "~1");
      return parent.pointer() + "/" + token;
    }
  }

  private static Object value(JsonParser parser, JsonToken token, String field, Path pointer, int depth, int maxDepth) throws IOException {
    switch (token) {
      case START_OBJECT -> {
        checkDepth(field, pointer, depth, maxDepth);
        JsonObject object = new JsonObject();
        for (JsonToken next = parser.nextToken(); next != JsonToken.END_OBJECT; next = parser.nextToken()) {
          String name = checkedText(parser.currentName(), field, pointer);
          object.put(name, value(parser, parser.nextToken(), field, pointer.child(name), depth + 1, maxDepth));
        }
        return object;
      }
      case START_ARRAY -> {
        checkDepth(field, pointer, depth, maxDepth);
        JsonArray array = new JsonArray();
        int index = 0;
        for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
          array.add(value(parser, next, field, pointer.child(index++), depth + 1, maxDepth));
        }
        return array;
      }
      case VALUE_STRING -> {
        return checkedText(parser.getText(), field, pointer);
      }
      case VALUE_NUMBER_INT -> {
        return parser.getNumberValue();
      }
      case VALUE_NUMBER_FLOAT -> {
        return exactDouble(parser.getDecimalValue(), field, pointer);
      }
      case VALUE_TRUE -> {
        return Boolean.TRUE;
      }
      case VALUE_FALSE -> {
        return Boolean.FALSE;
      }
      case VALUE_NULL -> {
        return null;
      }
      default -> throw new ValidationException(field, field + " is not valid JSON" + at(parser.currentLocation()));
    }
  }

  private static void checkDepth(String field, Path pointer, int depth, int maxDepth) {
    if (depth > maxDepth) {
      throw new ValidationException(field, field + " is nested deeper than " + maxDepth + " levels (at " + shown(pointer) + ")");
    }
  }

  /** A decimal a double holds exactly (numerically: {@code 1.50} is {@code 1.5}), as that double. */
  private static Double exactDouble(BigDecimal decimal, String field, Path pointer) {
    double value = decimal.doubleValue();
    if (!Double.isFinite(value) || new BigDecimal(Double.toString(value)).compareTo(decimal) != 0) {
      throw new ValidationException(
          field,
          field + " holds a number at " + shown(pointer) + " that cannot be stored exactly (outside the range or precision of a"
              + " 64-bit double); send it as a string");
    }
    return value;
  }

  private static String checkedText(String text, String field, Path pointer) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new ValidationException(field, field + " holds a string at " + shown(pointer) + " with an unpaired UTF-16 surrogate");
      }
    }
    return text;
  }

  private static String shown(Path path) {
    String pointer = path.pointer();
    String text = pointer.isEmpty() ? "/" : pointer;
    return ValidationException.quote(text);
  }

  private static String at(JsonLocation location) {
    return location == null || location.getLineNr() < 0 ? "" : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }
}
