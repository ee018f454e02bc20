package dev.tcs.sidecar.cache;

import dev.tcs.core.read.HitHeaders;
import dev.tcs.core.read.ReadFastPath;
import dev.tcs.sidecar.lane.RegionAnswer;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A fresh cached value, ready to write: its prepared headers ({@code ETag}, {@code TCS-Version},
 * {@code TCS-Revision}, {@code TCS-Tenant}, {@code TCS-Region}, {@code Content-Type}) and its
 * body, which is never written to; and when a read of it should start a refresh-ahead
 * ({@link ViewCache#claimRefresh}). Shared by every event loop.
 *
 * @param refreshAtNanos on the cache's ticker: from then on, a hit refreshes the value ahead of its ttl
 * @param refreshClaimed set by the one hit that starts the refresh
 * @param superseded true while an invalidation announced a newer version and its refresh runs
 *     (the grace of {@link ViewCache#onInvalidated}); never refreshed ahead
 */
public record Hit(HitHeaders headers, Buffer body, long refreshAtNanos, AtomicBoolean refreshClaimed, boolean superseded)
    implements ReadFastPath.CachedAnswer {
  static Hit of(RegionAnswer value, long refreshAtNanos) {
    return new Hit(
        HitHeaders.of(value.etag(), value.tenantId(), value.stamp(), value.servedBy(), value.contentType()),
        value.body(),
        refreshAtNanos,
        new AtomicBoolean(),
        false);
  }

  /** This hit, answered while a newer version announced by an invalidation is being loaded. */
  Hit asSuperseded() {
    return new Hit(headers, body, refreshAtNanos, new AtomicBoolean(true), true);
  }
}
