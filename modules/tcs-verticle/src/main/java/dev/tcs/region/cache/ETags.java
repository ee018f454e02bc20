package dev.tcs.region.cache;

import dev.tcs.region.store.ViewVersion;

/**
 * Entity tags of views: {@code "<version>.<revision>"} (e.g. {@code "7.1"}). The revision is part
 * of the tag because a rebuild with new view definitions changes a body without changing its
 * version; a client's tag from before the rebuild then no longer matches.
 */
public final class ETags {
  private ETags() {}

  /** The quoted tag of a view. */
  public static String of(ViewVersion version) {
    return "\"" + version.version() + "." + version.revision() + "\"";
  }

  /**
   * True if an {@code If-None-Match} header value matches {@code etag} (quoted): {@code *}, or a
   * comma-separated list containing it, compared weakly as RFC 9110 asks ({@code W/} ignored).
   */
  public static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null || etag == null) {
      return false;
    }
    int length = ifNoneMatch.length();
    int i = 0;
    while (i < length) {
      while (i < length && (ifNoneMatch.charAt(i) == ' ' || ifNoneMatch.charAt(i) == '\t' || ifNoneMatch.charAt(i) == ',')) {
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
      if (stop - start == etag.length() && ifNoneMatch.regionMatches(start, etag, 0, etag.length())) {
        return true;
      }
      i = end + 1;
    }
    return false;
  }
}
