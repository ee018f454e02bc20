package dev.tcs.sidecar.snapshot;

import dev.tcs.core.read.ReadKey;
import dev.tcs.sidecar.lane.RegionAnswer;
import java.util.List;

/**
 * What a sidecar's cache held at one moment: its values, each with when it was fetched.
 *
 * @param createdAtMillis when the snapshot was taken (epoch milliseconds)
 * @param entries the values held
 */
public record Snapshot(long createdAtMillis, List<Entry> entries) {
  public Snapshot {
    entries = List.copyOf(entries);
  }

  /**
   * One cached value.
   *
   * @param key what was read (kind, tenant id or host, consumer)
   * @param answer the region's answer (a 200 with its version, tenant, ETag, region and body)
   * @param fetchedAtMillis when a region answered it (epoch milliseconds): its age survives restarts
   */
  public record Entry(ReadKey key, RegionAnswer answer, long fetchedAtMillis) {}
}
