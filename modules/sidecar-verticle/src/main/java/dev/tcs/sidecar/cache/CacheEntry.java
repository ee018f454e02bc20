package dev.tcs.sidecar.cache;

import dev.tcs.sidecar.lane.RegionAnswer;

/**
 * A cached region answer (a value or a 404) and when it was stored, on the cache's ticker.
 */
record CacheEntry(RegionAnswer answer, long storedAtNanos) {}
