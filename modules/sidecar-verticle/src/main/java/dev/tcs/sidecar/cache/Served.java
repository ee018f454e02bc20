package dev.tcs.sidecar.cache;

import dev.tcs.sidecar.SidecarMetrics;
import dev.tcs.sidecar.lane.RegionAnswer;

/**
 * The answer to give the application, and how it was obtained.
 *
 * @param answer a value, a 404, or a region's other client error to pass through
 * @param outcome hit (fresh in memory), miss (fetched now), stale (kept past its ttl because no
 *     region gave anything newer)
 */
public record Served(RegionAnswer answer, SidecarMetrics.Read outcome) {}
