package dev.tcs.core.model;

import static dev.tcs.core.model.ValidationException.quote;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.pointer.JsonPointer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What each consumer may see, as declared in {@code config/views.yaml}:
 *
 * <pre>
 * revision: 1
 * consumers:
 *   jira:
 *     include: [/jira, /products]
 *   network-ingress:
 *     include: [/network-ingress, /hosts]
 * </pre>
 *
 * A consumer's view holds {@code tenantId} plus each included JSON pointer (RFC 6901) that exists
 * in the document, at the same place. A consumer not listed sees nothing.
 */
public final class ViewDefinitions {
  private final long revision;
  private final Map<String, List<JsonPointer>> includes;

  private ViewDefinitions(long revision, Map<String, List<JsonPointer>> includes) {
    this.revision = revision;
    this.includes = includes;
  }

  /** Reads and validates the definitions; errors name the key ({@code consumers.jira.include[1]}). */
  public static ViewDefinitions fromJson(JsonObject json) {
    for (String key : json.fieldNames()) {
      if (!key.equals("revision") && !key.equals("consumers")) {
        throw new ValidationException(key, key + " is not a known key of the view definitions; known: revision, consumers");
      }
    }
    long revision = JsonFields.longAtLeast(json, "revision", 0);
    JsonObject consumers = JsonFields.object(json, "consumers");
    Map<String, List<JsonPointer>> includes = new LinkedHashMap<>();
    for (String consumer : consumers.fieldNames()) {
      String field = "consumers." + consumer;
      Consumers.require(field, consumer);
      if (!(consumers.getValue(consumer) instanceof JsonObject definition)) {
        throw new ValidationException(field, field + " must be a mapping with key 'include'");
      }
      for (String key : definition.fieldNames()) {
        if (!key.equals("include")) {
          throw new ValidationException(field + "." + key, field + "." + key + " is not a known key; known: include");
        }
      }
      if (!(definition.getValue("include") instanceof JsonArray list)) {
        throw new ValidationException(field + ".include", field + ".include must be a list of JSON pointers");
      }
      List<JsonPointer> pointers = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        String itemField = field + ".include[" + i + "]";
        Object item = list.getValue(i);
        if (!(item instanceof String text) || !text.startsWith("/") || text.length() < 2) {
          throw new ValidationException(itemField, itemField + " must be a JSON pointer such as /jira, but was " + quote(item));
        }
        try {
          pointers.add(JsonPointer.from(text));
        } catch (IllegalArgumentException e) {
          throw new ValidationException(itemField, itemField + " must be a JSON pointer such as /jira, but was " + quote(item));
        }
      }
      includes.put(consumer, List.copyOf(pointers));
    }
    return new ViewDefinitions(revision, Collections.unmodifiableMap(includes));
  }

  public long revision() {
    return revision;
  }

  /** The definitions as {@link #fromJson} reads them (to hand them to another process). */
  public JsonObject toJson() {
    JsonObject consumers = new JsonObject();
    includes.forEach(
        (consumer, pointers) -> {
          JsonArray include = new JsonArray();
          pointers.forEach(pointer -> include.add(pointer.toString()));
          consumers.put(consumer, new JsonObject().put("include", include));
        });
    return new JsonObject().put("revision", revision).put("consumers", consumers);
  }

  public Set<String> consumers() {
    return includes.keySet();
  }

  public boolean hasView(String consumer) {
    return includes.containsKey(consumer);
  }

  /**
   * The slice of {@code document} that {@code consumer} may see: {@code tenantId} and every
   * included pointer present in the document. Values are deep copies.
   *
   * @throws IllegalArgumentException if the consumer has no view
   */
  public JsonObject slice(String consumer, JsonObject document) {
    List<JsonPointer> pointers = includes.get(consumer);
    if (pointers == null) {
      throw new IllegalArgumentException("consumer " + consumer + " has no view");
    }
    JsonObject slice = new JsonObject().put("tenantId", document.getValue("tenantId"));
    for (JsonPointer pointer : pointers) {
      Object value = pointer.queryJson(document);
      if (value != null) {
        writeCreatingParents(slice, pointer.toString(), JsonFields.deepCopy(value));
      }
    }
    return slice;
  }

  private static void writeCreatingParents(JsonObject target, String pointer, Object value) {
    String[] tokens = pointer.substring(1).split("/", -1);
    JsonObject node = target;
    for (int i = 0; i < tokens.length - 1; i++) {
      String token = unescape(tokens[i]);
      if (!(node.getValue(token) instanceof JsonObject child)) {
        JsonObject created = new JsonObject();
        node.put(token, created);
        node = created;
      } else {
        node = child;
      }
    }
    node.put(unescape(tokens[tokens.length - 1]), value);
  }

  private static String unescape(String token) {
    return token.replace("~1", "/").replace("~0", "~");
  }
}
