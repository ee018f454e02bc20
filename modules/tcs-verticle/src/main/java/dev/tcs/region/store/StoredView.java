package dev.tcs.region.store;

import dev.tcs.core.read.Stamp;

/**
 * One item of the region's table as a read sees it.
 *
 * @param tenantId the tenant the item belongs to; null when there is no item
 * @param version the version and revision of the view it holds; {@link Stamp#NONE} when absent
 * @param deleted true for a tombstone (a deleted tenant, or a host the tenant no longer has)
 * @param body the view's body as encoded JSON; null for a tombstone or an absent item
 */
public record StoredView(String tenantId, Stamp version, boolean deleted, String body) {
  /** No item under the key. */
  public static final StoredView ABSENT = new StoredView(null, Stamp.NONE, true, null);

  /** True when a read should answer it (not absent, not a tombstone). */
  public boolean found() {
    return !deleted && body != null;
  }
}
