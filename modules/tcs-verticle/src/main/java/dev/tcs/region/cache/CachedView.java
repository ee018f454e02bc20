package dev.tcs.region.cache;

import dev.tcs.region.store.StoredView;
import dev.tcs.region.store.ViewVersion;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;

/**
 * A cache entry, ready to be written to a response as is: the body is encoded once when loaded
 * and the header values are prepared, so a cache hit allocates nothing for them.
 *
 * <p>Three states: {@link #found()} (a view to serve), not found (unknown tenant or host,
 * deleted tenant, dropped host: a 404, kept for the negative TTL) and {@link #failed()} (the
 * store did not answer; never kept). {@link #cacheable()} is false for a value that may be
 * served to the reads that waited for it but must not be kept (see {@link ViewCache}).
 *
 * <p>Immutable and shared by every event loop of the region; {@link #body()} is never written to.
 */
public final class CachedView {
  private final String tenantId;
  private final ViewVersion version;
  private final boolean found;
  private final boolean cacheable;
  private final Throwable failure;
  private final Buffer body;
  private final String etagText;
  private final CharSequence etag;
  private final CharSequence versionHeader;
  private final CharSequence revisionHeader;
  private final CharSequence tenantHeader;

  private CachedView(String tenantId, ViewVersion version, boolean found, boolean cacheable, Throwable failure, Buffer body) {
    this.tenantId = tenantId;
    this.version = version;
    this.found = found;
    this.cacheable = cacheable;
    this.failure = failure;
    if (found) {
      this.body = body;
      this.etagText = ETags.of(version);
      this.etag = HttpHeaders.createOptimized(etagText);
      this.versionHeader = HttpHeaders.createOptimized(Long.toString(version.version()));
      this.revisionHeader = HttpHeaders.createOptimized(Long.toString(version.revision()));
      this.tenantHeader = HttpHeaders.createOptimized(tenantId);
    } else {
      this.body = null;
      this.etagText = null;
      this.etag = null;
      this.versionHeader = null;
      this.revisionHeader = null;
      this.tenantHeader = null;
    }
  }

  /** The entry for what the store answered. */
  static CachedView of(StoredView stored) {
    return new CachedView(stored.tenantId(), stored.version(), stored.found(), true, null, stored.found() ? Buffer.buffer(stored.body()) : null);
  }

  /** The same value, marked as not to be kept. */
  CachedView uncacheable() {
    return cacheable ? new CachedView(tenantId, version, found, false, null, body) : this;
  }

  /** A store failure, answered to the reads waiting for this load and never kept. */
  static CachedView failure(Throwable failure) {
    return new CachedView(null, ViewVersion.NONE, false, false, failure, null);
  }

  public boolean found() {
    return found;
  }

  public boolean failed() {
    return failure != null;
  }

  /** Why the store did not answer; null unless {@link #failed()}. */
  public Throwable failure() {
    return failure;
  }

  public boolean cacheable() {
    return cacheable;
  }

  /** The tenant this entry belongs to; null when nothing was stored under the key. */
  public String tenantId() {
    return tenantId;
  }

  public ViewVersion version() {
    return version;
  }

  /** The view's JSON body, encoded; null unless {@link #found()}. Shared: never write to it. */
  public Buffer body() {
    return body;
  }

  /** {@code "<version>.<revision>"}, quoted, as the {@code ETag} header value. */
  public CharSequence etag() {
    return etag;
  }

  /** The same tag as a String, for {@link ETags#matches}. */
  public String etagText() {
    return etagText;
  }

  public CharSequence versionHeader() {
    return versionHeader;
  }

  public CharSequence revisionHeader() {
    return revisionHeader;
  }

  public CharSequence tenantHeader() {
    return tenantHeader;
  }

  /**
   * True if an invalidation of {@code tenantId} at {@code version} makes this entry out of date:
   * it is older, or it belongs to no tenant or to another one (a host that moved).
   */
  boolean supersededBy(String tenantId, ViewVersion version) {
    return this.tenantId == null || !this.tenantId.equals(tenantId) || this.version.isOlderThan(version);
  }

  @Override
  public String toString() {
    return found ? "found " + tenantId + "@" + version : failed() ? "failed" : "not found " + tenantId + "@" + version;
  }
}
