package dev.tcs.catalogue.command;

import dev.tcs.core.model.JsonFields;
import io.vertx.core.json.JsonObject;

/**
 * JSON merge patch (RFC 7396): a member set to {@code null} is removed, an object member is
 * merged recursively, anything else replaces the target's member. Neither input is modified.
 */
final class MergePatch {
  private MergePatch() {}

  /**
   * Applies {@code patch} to {@code target} and returns the result, a new value sharing nothing
   * mutable with either input.
   *
   * @param target the document to patch (any JSON value, {@code null} for none)
   * @param patch the merge patch (any JSON value)
   */
  public static Object apply(Object target, Object patch) {
    if (!(patch instanceof JsonObject patchObject)) {
      return JsonFields.deepCopy(patch);
    }
    JsonObject result = target instanceof JsonObject targetObject ? targetObject.copy() : new JsonObject();
    for (String name : patchObject.fieldNames()) {
      Object value = patchObject.getValue(name);
      if (value == null) {
        result.remove(name);
      } else {
        result.put(name, apply(result.getValue(name), value));
      }
    }
    return result;
  }
}
