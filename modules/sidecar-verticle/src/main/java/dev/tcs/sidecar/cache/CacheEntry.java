package dev.tcs.sidecar.cache;

import dev.tcs.sidecar.lane.RegionAnswer;

/**
 * A cached region answer (a value or a 404) and when it was stored, on the cache's ticker; a
 * value carries its {@link Hit}, prepared once here so a hit builds no header value.
 */
record CacheEntry(RegionAnswer answer, long storedAtNanos, Hit hit) {
  /** @param refreshAheadNanos how long after storing a hit starts a refresh-ahead */
  CacheEntry(RegionAnswer answer, long storedAtNanos, long refreshAheadNanos) {
    this(answer, storedAtNanos, answer.isValue() ? Hit.of(answer, storedAtNanos + refreshAheadNanos) : null);
  }
}
