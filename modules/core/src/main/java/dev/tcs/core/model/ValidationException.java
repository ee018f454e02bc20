package dev.tcs.core.model;

import java.util.regex.Pattern;

/**
 * Input that breaks a rule of a contract. The message names the field, the rule and the value
 * seen, e.g. {@code tenantId must match [a-z0-9][a-z0-9-]{2,62}, but was 'A!'}. Thrown by codecs
 * and validators wherever outside input enters: an HTTP body, a Kafka record, a config file.
 */
public class ValidationException extends RuntimeException {
  private final String field;

  public ValidationException(String field, String message) {
    super(message, null, false, false);
    this.field = field;
  }

  /** The JSON field or config key that broke the rule ({@code hosts[2]}, {@code http.port}). */
  public String field() {
    return field;
  }

  /**
   * Returns {@code value} if it matches {@code pattern}, else throws naming {@code field}, the
   * {@code rule} and the value seen: the one check behind every name rule (tenant ids, consumers).
   */
  public static String requireMatch(String field, String value, Pattern pattern, String rule) {
    if (value == null || !pattern.matcher(value).matches()) {
      throw new ValidationException(field, field + " must match " + rule + ", but was " + quote(value));
    }
    return value;
  }

  /** Quotes a value for an error message, shortening long values and never echoing control characters. */
  public static String quote(Object value) {
    if (value == null) {
      return "null";
    }
    String text = String.valueOf(value);
    if (text.length() > 80) {
      text = text.substring(0, 77) + "...";
    }
    StringBuilder out = new StringBuilder(text.length() + 2).append('\'');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      out.append(Character.isISOControl(c) ? '?' : c);
    }
    return out.append('\'').toString();
  }
}
