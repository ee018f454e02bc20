package dev.tcs.core.model;

import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Host names that route to a tenant: lowercase DNS names, at most 253 characters. */
public final class Hosts {
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  private Hosts() {}

  public static boolean isValid(String host) {
    if (host == null || host.isEmpty() || host.length() > 253) {
      return false;
    }
    for (String label : host.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return true;
  }

  /** Returns {@code host} if it is a valid DNS name, else throws naming {@code field}. */
  public static String require(String field, String host) {
    if (!isValid(host)) {
      throw new ValidationException(
          field,
          field
              + " must be a lowercase DNS name (labels of [a-z0-9-], at most 253 characters), but was "
              + ValidationException.quote(host));
    }
    return host;
  }

  /**
   * Reads an optional array of host names at {@code field}: each must be a valid DNS name and
   * appear once. Returns an empty list when {@code value} is null.
   */
  public static List<String> fromJson(String field, Object value) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array)) {
      throw new ValidationException(field, field + " must be an array of host names");
    }
    List<String> hosts = new ArrayList<>(array.size());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < array.size(); i++) {
      String itemField = field + "[" + i + "]";
      Object item = array.getValue(i);
      if (!(item instanceof String host)) {
        throw new ValidationException(itemField, itemField + " must be a string, but was " + ValidationException.quote(item));
      }
      require(itemField, host);
      if (!seen.add(host)) {
        throw new ValidationException(itemField, itemField + " repeats host " + ValidationException.quote(host));
      }
      hosts.add(host);
    }
    return List.copyOf(hosts);
  }
}
