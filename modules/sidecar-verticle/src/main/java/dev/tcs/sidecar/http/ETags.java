package dev.tcs.sidecar.http;

/** {@code If-None-Match} evaluation (RFC 9110 13.1.2): weak comparison against one entity tag. */
final class ETags {
  private ETags() {}

  /** True when {@code ifNoneMatch} (null when absent) matches {@code etag}, so a 304 is due. */
  static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null || etag == null) {
      return false;
    }
    String trimmed = ifNoneMatch.trim();
    if (trimmed.equals("*")) {
      return true;
    }
    String opaque = opaque(etag);
    for (String candidate : trimmed.split(",")) {
      if (opaque(candidate.trim()).equals(opaque)) {
        return true;
      }
    }
    return false;
  }

  private static String opaque(String tag) {
    return tag.startsWith("W/") ? tag.substring(2) : tag;
  }
}
