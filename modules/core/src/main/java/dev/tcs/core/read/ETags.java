package dev.tcs.core.read;

/**
 * Entity tags of the read API and the catalogue, and {@code If-None-Match} matching.
 *
 * <p>A read answer's tag is its {@link Stamp} quoted: {@code "<version>.<revision>"} (e.g.
 * {@code "7.1"}); the revision is part of it because a rebuild with new view definitions
 * changes a body without changing its version, so a client's tag from before the rebuild no
 * longer matches. A stamp without a known revision gives {@code "<version>"}, which is also the
 * catalogue's tag of a document version.
 */
public final class ETags {
  private ETags() {}

  /** The quoted tag of an answer. */
  public static String of(Stamp stamp) {
    return "\"" + stamp + "\"";
  }

  /** The quoted tag of a catalogue document version: {@code "3"}. */
  public static String ofVersion(long version) {
    return "\"" + version + "\"";
  }

  /**
   * True if an {@code If-None-Match} header value (null when absent) matches {@code etag} (quoted):
   * {@code *}, or a comma-separated list containing it, compared weakly as RFC 9110 13.1.2 asks
   * ({@code W/} ignored). Allocates nothing.
   */
  public static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null || etag == null) {
      return false;
    }
    int length = ifNoneMatch.length();
    int i = 0;
    while (i < length) {
      while (i < length && isSeparator(ifNoneMatch.charAt(i))) {
        i++;
      }
      if (i >= length) {
        break;
      }
      int end = ifNoneMatch.indexOf(',', i);
      if (end < 0) {
        end = length;
      }
      int stop = end;
      while (stop > i && (ifNoneMatch.charAt(stop - 1) == ' ' || ifNoneMatch.charAt(stop - 1) == '\t')) {
        stop--;
      }
      int start = ifNoneMatch.startsWith("W/", i) ? i + 2 : i;
      if (stop - start == 1 && ifNoneMatch.charAt(start) == '*') {
        return true;
      }
      int tagStart = etag.startsWith("W/") ? 2 : 0;
      int tagLength = etag.length() - tagStart;
      if (stop - start == tagLength && ifNoneMatch.regionMatches(start, etag, tagStart, tagLength)) {
        return true;
      }
      i = end + 1;
    }
    return false;
  }

  private static boolean isSeparator(char c) {
    return c == ' ' || c == '\t' || c == ',';
  }
}
