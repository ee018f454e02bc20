package dev.tcs.region.store;

import java.util.List;

/**
 * What applying a view to the region's table did.
 *
 * @param applied true if the view was written; false if the table already held the same
 *     {@code (tenant, consumer)} at a newer version (the view was stale and nothing changed)
 * @param removedHosts hosts the previous view had and this one does not; their items were turned
 *     into tombstones (when they still pointed to this tenant)
 */
public record ApplyResult(boolean applied, List<String> removedHosts) {
  public static final ApplyResult STALE = new ApplyResult(false, List.of());

  public ApplyResult {
    removedHosts = List.copyOf(removedHosts);
  }
}
