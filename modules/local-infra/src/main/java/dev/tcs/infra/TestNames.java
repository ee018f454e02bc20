package dev.tcs.infra;

import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** Unique names for the topics and tables of one test, so tests can share one infrastructure. */
public final class TestNames {

  /** Characters legal in both a Kafka topic name and a DynamoDB table name. */
  private static final Pattern PREFIX = Pattern.compile("[a-zA-Z0-9._-]{1,200}");
  private static final int SUFFIX_LENGTH = 8;
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  private TestNames() {}

  /**
   * Returns {@code prefix-xxxxxxxx}, where {@code xxxxxxxx} is 8 random characters of {@code
   * [a-z0-9]}: a name valid as a Kafka topic and as a DynamoDB table, different on every call
   * (36^8 possible suffixes).
   *
   * @param prefix 1 to 200 characters of {@code [a-zA-Z0-9._-]}
   * @return {@code prefix}, a hyphen and the random suffix
   * @throws IllegalArgumentException if the prefix breaks that rule
   */
  public static String unique(String prefix) {
    if (prefix == null || !PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "prefix must match " + PREFIX.pattern() + ", but was '" + prefix + "'");
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    StringBuilder name = new StringBuilder(prefix.length() + 1 + SUFFIX_LENGTH).append(prefix).append('-');
    for (int i = 0; i < SUFFIX_LENGTH; i++) {
      name.append(ALPHABET[random.nextInt(ALPHABET.length)]);
    }
    return name.toString();
  }
}
