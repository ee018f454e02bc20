package dev.tcs.catalogue.store;

import java.util.List;

/**
 * One page of a listing.
 *
 * @param items the items of this page, possibly empty
 * @param next the cursor of the next page, or {@code null} when this is the last one
 */
public record Page<T>(List<T> items, String next) {
  public Page {
    items = List.copyOf(items);
  }
}
