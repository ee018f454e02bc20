package dev.tcs.catalogue.command;

import dev.tcs.core.http.HttpProblem;
import dev.tcs.core.model.ValidationException;
import dev.tcs.core.read.ETags;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A parsed {@code If-Match} or {@code If-None-Match} header: {@code *}, or a comma-separated list
 * of strong entity tags, each a quoted version ({@code "3"}), which is what {@code ETag} carries.
 * Anything else (an unquoted number, a weak tag, a tag that is no version) is a 400 naming the
 * header: it can never match and is most likely a client bug.
 *
 * @param any true for {@code *}
 * @param versions the versions listed (empty for {@code *})
 */
public record EntityTags(boolean any, Set<Long> versions) {
  private static final int MAX_TAGS = 32;

  public EntityTags {
    versions = Set.copyOf(versions);
  }

  /** The {@code ETag} value of a version: {@code "3"} (core {@link ETags#ofVersion}, the read API's format). */
  public static String format(long version) {
    return ETags.ofVersion(version);
  }

  /**
   * Parses a header value.
   *
   * @param header the header name, used in the error ({@code If-Match})
   * @param value the header value, or {@code null} when the header is absent
   * @return the parsed tags, or {@code null} when {@code value} is null
   * @throws HttpProblem 400 naming {@code header} when the value is malformed
   */
  public static EntityTags parse(String header, String value) {
    if (value == null) {
      return null;
    }
    String text = value.trim();
    if (text.equals("*")) {
      return new EntityTags(true, Set.of());
    }
    Set<Long> versions = new LinkedHashSet<>();
    String[] parts = text.split(",", -1);
    if (parts.length > MAX_TAGS) {
      throw malformed(header, value);
    }
    for (String part : parts) {
      versions.add(parseTag(header, value, part.trim()));
    }
    return new EntityTags(false, versions);
  }

  private static long parseTag(String header, String value, String tag) {
    if (tag.length() < 3 || tag.length() > 21 || tag.charAt(0) != '"' || tag.charAt(tag.length() - 1) != '"') {
      throw malformed(header, value);
    }
    String digits = tag.substring(1, tag.length() - 1);
    for (int i = 0; i < digits.length(); i++) {
      if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
        throw malformed(header, value);
      }
    }
    try {
      long version = Long.parseLong(digits);
      if (version < 1) {
        throw malformed(header, value);
      }
      return version;
    } catch (NumberFormatException e) {
      throw malformed(header, value);
    }
  }

  private static HttpProblem malformed(String header, String value) {
    return HttpProblem.badRequest(
        header,
        header
            + " must be * or a list of quoted versions such as \"3\" (the ETag of an answer), but was "
            + ValidationException.quote(value));
  }

  /** True when {@code version} is listed (or the tags are {@code *}). */
  public boolean matches(long version) {
    return any || versions.contains(version);
  }
}
