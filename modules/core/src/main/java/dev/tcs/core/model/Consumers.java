package dev.tcs.core.model;

import java.util.regex.Pattern;

/** The consumer name rule (a token subject that owns a view): {@code [a-z0-9][a-z0-9._-]{0,62}}. */
public final class Consumers {
  public static final String RULE = "[a-z0-9][a-z0-9._-]{0,62}";
  private static final Pattern PATTERN = Pattern.compile(RULE);

  private Consumers() {}

  public static boolean isValid(String value) {
    return value != null && PATTERN.matcher(value).matches();
  }

  public static String require(String field, String value) {
    return ValidationException.requireMatch(field, value, PATTERN, RULE);
  }
}
