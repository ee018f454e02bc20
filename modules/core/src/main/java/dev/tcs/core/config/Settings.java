package dev.tcs.core.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A validating view of one config section. Every getter names the full key in its error
 * ({@code catalogue.http.port must be 1..65535, but was 70000}); {@link #allowOnly} rejects keys
 * nobody reads, so a misspelt key stops start-up instead of being ignored.
 */
public final class Settings {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
  private final String path;
  private final JsonObject json;

  private Settings(String path, JsonObject json) {
    this.path = path;
    this.json = json == null ? new JsonObject() : json;
  }

  public static Settings of(String name, JsonObject json) {
    return new Settings(name, json);
  }

  public String path() {
    return path;
  }

  public JsonObject json() {
    return json;
  }

  public boolean has(String key) {
    return json.containsKey(key);
  }

  /** Fails unless every key of this section is one of {@code known}. */
  public Settings allowOnly(String... known) {
    return allowOnly(Arrays.asList(known));
  }

  /** Fails unless every key of this section is one of {@code known}. */
  public Settings allowOnly(Collection<String> known) {
    Set<String> allowed = new LinkedHashSet<>(known);
    for (String key : new TreeSet<>(json.fieldNames())) {
      if (!allowed.contains(key)) {
        throw new ConfigException(key(key) + " is not a known key; known keys here: " + String.join(", ", allowed));
      }
    }
    return this;
  }

  public Settings section(String key) {
    Object value = json.getValue(key);
    if (value != null && !(value instanceof JsonObject)) {
      throw new ConfigException(key(key) + " must be a section (a YAML mapping), but was '" + value + "'");
    }
    return new Settings(key(key), (JsonObject) value);
  }

  public String string(String key) {
    Object value = json.getValue(key);
    if (!(value instanceof String text) || text.isBlank()) {
      throw new ConfigException(key(key) + " is required and must be a non-empty string, but was " + shown(value));
    }
    return text;
  }

  public String string(String key, String defaultValue) {
    return json.getValue(key) == null ? defaultValue : string(key);
  }

  public int integer(String key, int min, int max, int defaultValue) {
    Object value = json.getValue(key);
    if (value == null) {
      return defaultValue;
    }
    if (!(value instanceof Number number) || number.doubleValue() != number.intValue() || number.intValue() < min || number.intValue() > max) {
      throw new ConfigException(key(key) + " must be an integer in " + min + ".." + max + ", but was " + shown(value));
    }
    return number.intValue();
  }

  public int port(String key, int defaultValue) {
    return integer(key, 0, 65535, defaultValue);
  }

  public long longValue(String key, long min, long max, long defaultValue) {
    Object value = json.getValue(key);
    if (value == null) {
      return defaultValue;
    }
    if (!(value instanceof Number number) || number.doubleValue() != number.longValue() || number.longValue() < min || number.longValue() > max) {
      throw new ConfigException(key(key) + " must be an integer in " + min + ".." + max + ", but was " + shown(value));
    }
    return number.longValue();
  }

  public boolean bool(String key, boolean defaultValue) {
    Object value = json.getValue(key);
    if (value == null) {
      return defaultValue;
    }
    if (!(value instanceof Boolean flag)) {
      throw new ConfigException(key(key) + " must be true or false, but was " + shown(value));
    }
    return flag;
  }

  /** A duration written as {@code 250ms}, {@code 5s}, {@code 10m}, {@code 1h} or {@code 2d}. */
  public Duration duration(String key, Duration defaultValue) {
    Object value = json.getValue(key);
    if (value == null) {
      return defaultValue;
    }
    Matcher m = value instanceof String text ? DURATION.matcher(text.trim()) : null;
    if (m == null || !m.matches()) {
      throw new ConfigException(key(key) + " must be a duration such as 250ms, 5s, 10m or 1h, but was " + shown(value));
    }
    try {
      long amount = Long.parseLong(m.group(1));
      Duration duration =
          switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
          };
      duration.toMillis(); // every reader converts to millis; refuse what does not fit
      return duration;
    } catch (NumberFormatException | ArithmeticException e) {
      throw new ConfigException(key(key) + " must be a duration that fits in a long of milliseconds, but was " + shown(value));
    }
  }

  public List<String> strings(String key, List<String> defaultValue) {
    Object value = json.getValue(key);
    if (value == null) {
      return defaultValue;
    }
    if (value instanceof String text) {
      value = new JsonArray(Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
    }
    if (!(value instanceof JsonArray array)) {
      throw new ConfigException(key(key) + " must be a list of strings, but was " + shown(value));
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof String text) || text.isBlank()) {
        throw new ConfigException(key(key) + "[" + i + "] must be a non-empty string, but was " + shown(array.getValue(i)));
      }
      out.add(text);
    }
    return List.copyOf(out);
  }

  /** Fails with a message naming {@code key} when {@code ok} is false. */
  public void check(boolean ok, String key, String rule) {
    if (!ok) {
      throw new ConfigException(key(key) + " " + rule + ", but was " + shown(json.getValue(key)));
    }
  }

  public String key(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private static String shown(Object value) {
    return value == null ? "missing" : "'" + value + "'";
  }
}
