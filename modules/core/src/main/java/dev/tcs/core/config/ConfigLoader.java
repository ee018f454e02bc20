package dev.tcs.core.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Loads a component's YAML file (with vertx-config) and applies environment overrides.
 *
 * <p>Every key already in the file can be overridden by an environment variable named after its
 * path under a prefix: with prefix {@code TCS_CATALOGUE}, key {@code http.port} is overridden by
 * {@code TCS_CATALOGUE_HTTP_PORT}. The override keeps the key's type (a number stays a number, a
 * list is comma-separated or a JSON array), and a value that cannot be read as that type stops
 * start-up with a message naming the variable. Keys absent from the file are not invented from
 * the environment, and a variable under the prefix that matches no key of the file stops
 * start-up naming it (a misspelt variable, or a key the file does not declare, would otherwise
 * be ignored in silence); the file declares every key (with its default) that may be overridden.
 *
 * <p>A section can also be given whole, as a JSON object in the variable named after it; its
 * members are merged over the file's. That is how a free-form map the file declares empty
 * ({@code kafka.properties: {}}) gets entries whose names hold dots, for example
 * {@code TCS_REGION_KAFKA_PROPERTIES='{"security.protocol":"SASL_SSL"}'}; a variable for one
 * of the section's own keys still wins over it.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  /** Reads {@code file} and applies overrides from {@code env} under {@code envPrefix}. */
  public static Future<JsonObject> load(Vertx vertx, Path file, Map<String, String> env, String envPrefix) {
    if (!Files.isRegularFile(file)) {
      return Future.failedFuture(new ConfigException("config file " + file + " does not exist"));
    }
    ConfigStoreOptions yaml =
        new ConfigStoreOptions().setType("file").setFormat("yaml").setConfig(new JsonObject().put("path", file.toString()));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, new ConfigRetrieverOptions().addStore(yaml).setScanPeriod(-1));
    return retriever
        .getConfig()
        .recover(e -> Future.failedFuture(new ConfigException("config file " + file + " could not be read: " + e.getMessage(), e)))
        .map(json -> applyEnv(json, env, envPrefix))
        .eventually(retriever::close);
  }

  /** Returns a copy of {@code json} with every leaf overridden by its environment variable, if set. */
  public static JsonObject applyEnv(JsonObject json, Map<String, String> env, String envPrefix) {
    JsonObject copy = json.copy();
    Set<String> matched = new HashSet<>();
    override(copy, env, envPrefix, matched);
    rejectUnknown(env, envPrefix, matched);
    return copy;
  }

  /** A variable under {@code prefix_} that overrides no key of the file stops start-up, naming it. */
  private static void rejectUnknown(Map<String, String> env, String prefix, Set<String> matched) {
    String under = prefix + "_";
    List<String> unknown = env.keySet().stream().filter(name -> name.startsWith(under) && !matched.contains(name)).sorted().toList();
    if (!unknown.isEmpty()) {
      throw new ConfigException(
          "environment variable" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown)
              + " match" + (unknown.size() > 1 ? "" : "es") + " no key of the config file; a variable overrides only a key the file declares ("
              + prefix + "_<SECTION>_<KEY>)");
    }
  }

  /** The environment variable that overrides {@code key} (a dotted path) under {@code prefix}. */
  public static String envName(String prefix, String key) {
    return (prefix + "_" + key).toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_");
  }

  private static void override(JsonObject section, Map<String, String> env, String prefix, Set<String> matched) {
    for (String key : section.fieldNames()) {
      Object value = section.getValue(key);
      String name = envName(prefix, key);
      if (value instanceof JsonObject child) {
        matched.add(name);
        String whole = env.get(name);
        if (whole != null) {
          child.mergeIn(section(name, whole), true);
        }
        override(child, env, name, matched);
        continue;
      }
      matched.add(name);
      String raw = env.get(name);
      if (raw != null) {
        section.put(key, parse(name, value, raw));
      }
    }
  }

  private static JsonObject section(String name, String raw) {
    try {
      return new JsonObject(raw.trim());
    } catch (DecodeException | ClassCastException e) {
      throw new ConfigException("environment variable " + name + " names a section, so it must be a JSON object, but was '" + raw + "'");
    }
  }

  private static Object parse(String name, Object current, String raw) {
    try {
      if (current instanceof Integer || current instanceof Long) {
        return Long.parseLong(raw.trim());
      }
      if (current instanceof Number) {
        return Double.parseDouble(raw.trim());
      }
      if (current instanceof Boolean) {
        String text = raw.trim().toLowerCase(Locale.ROOT);
        if (!text.equals("true") && !text.equals("false")) {
          throw new IllegalArgumentException("not true or false");
        }
        return Boolean.parseBoolean(text);
      }
      if (current instanceof JsonArray) {
        String text = raw.trim();
        if (text.startsWith("[")) {
          return new JsonArray(text);
        }
        JsonArray items = new JsonArray();
        for (String item : text.split(",")) {
          if (!item.isBlank()) {
            items.add(item.trim());
          }
        }
        return items;
      }
      return raw;
    } catch (IllegalArgumentException | DecodeException e) {
      String type = current instanceof Number ? "a number" : current instanceof Boolean ? "true or false" : "a list";
      throw new ConfigException("environment variable " + name + " must be " + type + ", but was '" + raw + "'");
    }
  }
}
