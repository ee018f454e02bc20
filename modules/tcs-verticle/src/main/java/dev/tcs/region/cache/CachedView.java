package dev.tcs.region.cache;

import dev.tcs.core.read.ETags;
import dev.tcs.core.read.HitHeaders;
import dev.tcs.core.read.ReadFastPath;
import dev.tcs.core.read.Stamp;
import dev.tcs.region.store.StoredView;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;

/**
 * A cache entry, ready to be written to a response as is: the body is encoded once when loaded
 * and the header values are prepared, so a cache hit allocates nothing for them.
 *
 * <p>Three states: {@link #found()} (a view to serve), not found (unknown tenant or host,
 * deleted tenant, dropped host: a 404, kept for the negative TTL; a tombstone's 404 still
 * carries the tenant and version it speaks of) and {@link #failed()} (the
 * store did not answer; never kept). {@link #cacheable()} is false for a value that may be
 * served to the reads that waited for it but must not be kept (see {@link ViewCache}).
 *
 * <p>Immutable and shared by every event loop of the region; {@link #body()} is never written to.
 */
public final class CachedView implements ReadFastPath.CachedAnswer {
  private final String tenantId;
  private final Stamp version;
  private final boolean found;
  private final boolean cacheable;
  private final Throwable failure;
  private final Buffer body;
  private final String etagText;
  private final CharSequence etag;
  private final CharSequence versionHeader;
  private final CharSequence revisionHeader;
  private final CharSequence tenantHeader;
  private final HitHeaders hit;

  private CachedView(String tenantId, Stamp version, boolean found, boolean cacheable, Throwable failure, Buffer body) {
    this.tenantId = tenantId;
    this.version = version;
    this.found = found;
    this.cacheable = cacheable;
    this.failure = failure;
    this.body = found ? body : null;
    this.etagText = found ? ETags.of(version) : null;
    this.etag = found ? HttpHeaders.createOptimized(etagText) : null;
    // A value and a tombstone both speak of a tenant at a version: both say so, so a reader can
    // rank a delete above every older value. Nothing stored under the key: no tenant, no version.
    boolean speaksOfTenant = tenantId != null && version.isKnown();
    this.versionHeader = speaksOfTenant ? HttpHeaders.createOptimized(Long.toString(version.version())) : null;
    this.revisionHeader = speaksOfTenant && version.hasRevision() ? HttpHeaders.createOptimized(Long.toString(version.revision())) : null;
    this.tenantHeader = speaksOfTenant ? HttpHeaders.createOptimized(tenantId) : null;
    this.hit = found ? HitHeaders.of(etagText, tenantId, version, null, null) : null;
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
    return new CachedView(null, Stamp.NONE, false, false, failure, null);
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

  public Stamp version() {
    return version;
  }

  /** The view's JSON body, encoded; null unless {@link #found()}. Shared: never write to it. */
  public Buffer body() {
    return body;
  }

  /** The prepared headers of this value's 200 or 304 (without {@code TCS-Region}); null unless {@link #found()}. */
  @Override
  public HitHeaders headers() {
    return hit;
  }

  /** {@code "<version>.<revision>"}, quoted, as the {@code ETag} header value. */
  public CharSequence etag() {
    return etag;
  }

  /** The same tag as a String, for {@link ETags#matches}. */
  public String etagText() {
    return etagText;
  }

  /** {@code TCS-Version}: set on a value and on a tombstone's 404, null when nothing was stored. */
  public CharSequence versionHeader() {
    return versionHeader;
  }

  /** {@code TCS-Revision}, as {@link #versionHeader()}. */
  public CharSequence revisionHeader() {
    return revisionHeader;
  }

  /** {@code TCS-Tenant}, as {@link #versionHeader()}. */
  public CharSequence tenantHeader() {
    return tenantHeader;
  }

  /**
   * True if an invalidation of {@code tenantId} at {@code version} makes this entry out of date:
   * it is older, or it belongs to no tenant or to another one (a host that moved).
   */
  boolean supersededBy(String tenantId, Stamp version) {
    return this.tenantId == null || !this.tenantId.equals(tenantId) || this.version.olderThan(version);
  }

  @Override
  public String toString() {
    return found ? "found " + tenantId + "@" + version : failed() ? "failed" : "not found " + tenantId + "@" + version;
  }
}
