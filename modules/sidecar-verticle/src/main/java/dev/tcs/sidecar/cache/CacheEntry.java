package dev.tcs.sidecar.cache;

import dev.tcs.sidecar.lane.RegionAnswer;

/**
 * A cached region answer (a value or a 404) and when it was stored, on the cache's ticker; a
 * value a region answered carries its {@link Hit}, prepared once here so a hit builds no header
 * value.
 *
 * @param hit the prepared fast-path answer, or null (a 404, or a last-resort value)
 * @param lastResort true for a value that is never fresh (and has no {@link Hit}: the fast path
 *     never serves it): one restored from a snapshot (it missed the invalidations sent while the
 *     sidecar was down), or one an invalidation superseded; it answers (stale) only when no region
 *     does, and the next answer from a region replaces it; except, for a superseded value whose
 *     refresh started, until {@code graceUntilNanos}
 * @param graceUntilNanos on the cache's ticker: a superseded value stays fresh until then, while
 *     its refresh loads the newer version; meaningless unless {@code lastResort}
 */
record CacheEntry(RegionAnswer answer, long storedAtNanos, Hit hit, boolean lastResort, long graceUntilNanos) {
  /** A region's answer; @param refreshAheadNanos how long after storing a hit starts a refresh-ahead */
  CacheEntry(RegionAnswer answer, long storedAtNanos, long refreshAheadNanos) {
    this(answer, storedAtNanos, answer.isValue() ? Hit.of(answer, storedAtNanos + refreshAheadNanos) : null, false, storedAtNanos);
  }

  /** A value restored from a snapshot, stored {@code storedAtNanos} (in the past): never fresh, no {@link Hit}. */
  static CacheEntry restored(RegionAnswer answer, long storedAtNanos) {
    return new CacheEntry(answer, storedAtNanos, null, true, storedAtNanos);
  }

  /**
   * This value, superseded by a newer version an invalidation announced: kept as a last resort,
   * with its age; fresh until {@code graceUntilNanos} when a refresh of it started.
   */
  CacheEntry superseded(long graceUntilNanos) {
    return new CacheEntry(answer, storedAtNanos, hit == null || hit.superseded() ? hit : hit.asSuperseded(), true, graceUntilNanos);
  }
}
