package dev.tcs.core.model;

import java.util.regex.Pattern;

/** The tenant id rule: {@code [a-z0-9][a-z0-9-]{2,62}}. */
public final class TenantIds {
  public static final String RULE = "[a-z0-9][a-z0-9-]{2,62}";
  private static final Pattern PATTERN = Pattern.compile(RULE);

  private TenantIds() {}

  public static boolean isValid(String value) {
    return value != null && PATTERN.matcher(value).matches();
  }

  /** Returns {@code value} if it is a valid tenant id, else throws naming {@code field}. */
  public static String require(String field, String value) {
    return ValidationException.requireMatch(field, value, PATTERN, RULE);
  }
}
