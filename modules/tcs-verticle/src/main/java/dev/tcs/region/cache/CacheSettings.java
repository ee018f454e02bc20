package dev.tcs.region.cache;

import java.time.Duration;

/**
 * How the region's L1 cache keeps views.
 *
 * @param maximumSize the most entries kept (tenant and host keys of every consumer together)
 * @param expireAfterWrite how long a found view is kept after it was loaded
 * @param refreshAfterWrite after this long, the next read of an entry reloads it in the
 *     background and is answered from the old value meanwhile; shorter than {@code expireAfterWrite}
 * @param negativeTtl how long a "not found" (unknown or deleted) is kept
 */
public record CacheSettings(long maximumSize, Duration expireAfterWrite, Duration refreshAfterWrite, Duration negativeTtl) {
  public CacheSettings {
    if (maximumSize < 1) {
      throw new IllegalArgumentException("maximumSize must be >= 1, but was " + maximumSize);
    }
    if (expireAfterWrite.isNegative() || expireAfterWrite.isZero()) {
      throw new IllegalArgumentException("expireAfterWrite must be positive, but was " + expireAfterWrite);
    }
    if (refreshAfterWrite.isNegative() || refreshAfterWrite.isZero() || refreshAfterWrite.compareTo(expireAfterWrite) >= 0) {
      throw new IllegalArgumentException(
          "refreshAfterWrite must be positive and shorter than expireAfterWrite " + expireAfterWrite + ", but was " + refreshAfterWrite);
    }
    if (negativeTtl.isNegative() || negativeTtl.compareTo(expireAfterWrite) > 0) {
      throw new IllegalArgumentException(
          "negativeTtl must be between 0 and expireAfterWrite " + expireAfterWrite + ", but was " + negativeTtl);
    }
  }
}
