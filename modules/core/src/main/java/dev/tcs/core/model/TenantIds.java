package dev.tcs.core.model;

import java.util.regex.Pattern;

/** The tenant id rule: {@code [a-z0-9][a-z0-9-]{2,62}}. */
public final class TenantIds {
  public static final String RULE = "[a-z0-9][a-z0-9-]{2,62}";
  private static final Pattern PATTERN = Pattern.compile(RULE);

  private TenantIds() {}

  /** True when {@code value} matches {@link #RULE}; checked by hand (no regex matcher: the read path calls it per request). */
  public static boolean isValid(String value) {
    if (value == null || value.length() < 3 || value.length() > 63) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && i > 0);
      if (!allowed) {
        return false;
      }
    }
    return true;
  }

  /** Returns {@code value} if it is a valid tenant id, else throws naming {@code field}. */
  public static String require(String field, String value) {
    return ValidationException.requireMatch(field, value, PATTERN, RULE);
  }
}
