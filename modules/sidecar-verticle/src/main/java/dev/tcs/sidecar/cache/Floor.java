package dev.tcs.sidecar.cache;

import dev.tcs.core.read.Stamp;

/**
 * What the sidecar knows about one (tenant, consumer) beyond its cache entries, so versions never
 * go backwards even after an entry was dropped.
 *
 * @param announced the newest stamp an invalidation announced: nothing older may be stored
 * @param served the newest stamp this sidecar already answered and then dropped, or answered
 *     without storing: nothing older may be answered
 */
record Floor(Stamp announced, Stamp served) {}
