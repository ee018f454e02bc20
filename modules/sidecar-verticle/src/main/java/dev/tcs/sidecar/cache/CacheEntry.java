package dev.tcs.sidecar.cache;

import dev.tcs.sidecar.lane.RegionAnswer;

/**
 * A cached region answer (a value or a 404) and when it was fetched, on the cache's ticker.
 *
 * @param restored true for a value restored from a snapshot: it missed the invalidations sent
 *     while the sidecar was down, so it is never fresh; it answers (stale) only when no region does,
 *     and the next answer from a region replaces it
 */
record CacheEntry(RegionAnswer answer, long storedAtNanos, boolean restored) {
  CacheEntry(RegionAnswer answer, long storedAtNanos) {
    this(answer, storedAtNanos, false);
  }
}
