package dev.tcs.sidecar.cache;

import dev.tcs.sidecar.lane.RegionAnswer;

/**
 * A cached region answer (a value or a 404) and when it was stored, on the cache's ticker; a
 * value a region answered carries its {@link Hit}, prepared once here so a hit builds no header
 * value.
 *
 * @param hit the prepared fast-path answer, or null (a 404, or a restored value)
 * @param restored true for a value restored from a snapshot: it missed the invalidations sent
 *     while the sidecar was down, so it is never fresh (and has no {@link Hit}: the fast path
 *     never serves it); it answers (stale) only when no region does, and the next answer from a
 *     region replaces it
 */
record CacheEntry(RegionAnswer answer, long storedAtNanos, Hit hit, boolean restored) {
  /** A region's answer; @param refreshAheadNanos how long after storing a hit starts a refresh-ahead */
  CacheEntry(RegionAnswer answer, long storedAtNanos, long refreshAheadNanos) {
    this(answer, storedAtNanos, answer.isValue() ? Hit.of(answer, storedAtNanos + refreshAheadNanos) : null, false);
  }

  /** A value restored from a snapshot, stored {@code storedAtNanos} (in the past): never fresh, no {@link Hit}. */
  static CacheEntry restored(RegionAnswer answer, long storedAtNanos) {
    return new CacheEntry(answer, storedAtNanos, null, true);
  }
}
