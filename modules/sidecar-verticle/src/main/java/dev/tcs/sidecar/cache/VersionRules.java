package dev.tcs.sidecar.cache;

import dev.tcs.core.read.Stamp;
import dev.tcs.sidecar.SidecarMetrics.Admission;
import dev.tcs.sidecar.lane.RegionAnswer;

/**
 * The rules that keep versions from going backwards, as pure functions of what is known.
 *
 * <p>Answers are ordered by {@link Stamp} (version, then definitions
 * revision), per tenant only: an answer is compared with a cached entry only when
 * both name the same tenant (a host may move to another tenant). A region's 404 for a deleted
 * tenant carries the tombstone's version, so it ranks like a value and a delete outranks every
 * older value; a 404 without a version (nothing stored) cannot be ordered at all, so it is used
 * but never stored over what is known of its tenant.
 */
final class VersionRules {
  private VersionRules() {}

  /**
   * What to do with a region's answer.
   *
   * @param known the cached answer for the same key, or null
   * @param floor what invalidations taught about the answer's (tenant, consumer), or null
   * @param fetched the region's answer
   * @param flushed true when the cache was flushed after the read started
   * @param cacheNegatives false when 404s are never stored ({@code negative-ttl: 0s})
   * @return {@link Admission#STORED} store and answer it; {@link Admission#UNCACHED} answer it
   *     without storing; {@link Admission#KEPT_NEWER} answer the cached one, which is newer;
   *     {@link Admission#REFUSED} answer neither: it is older than what was already answered
   */
  static Admission judge(RegionAnswer known, Floor floor, RegionAnswer fetched, boolean flushed, boolean cacheNegatives) {
    if (!fetched.isSuccess()) {
      return Admission.UNCACHED; // 401, 403, ...: passed through, the cache is left as it is
    }
    if (!fetched.isVersioned()) {
      return floor != null || flushed || !cacheNegatives ? Admission.UNCACHED : Admission.STORED;
    }
    if (olderThan(fetched, known)) {
      return Admission.KEPT_NEWER;
    }
    if (floor != null && fetched.stamp().olderThan(floor.announced())) {
      return fetched.stamp().olderThan(floor.served()) ? Admission.REFUSED : Admission.UNCACHED;
    }
    if (flushed || (!fetched.isValue() && !cacheNegatives)) {
      return Admission.UNCACHED;
    }
    return Admission.STORED;
  }

  /** True when {@code fetched} is older than what is known, so a newer answer should be waited for. */
  static boolean isBehind(RegionAnswer known, Floor floor, RegionAnswer fetched) {
    if (!fetched.isSuccess() || fetched.tenantId() == null) {
      return false;
    }
    if (!fetched.isVersioned()) {
      return floor != null;
    }
    return olderThan(fetched, known) || (floor != null && fetched.stamp().olderThan(floor.announced()));
  }

  private static boolean olderThan(RegionAnswer fetched, RegionAnswer known) {
    return known != null
        && known.isVersioned()
        && fetched.tenantId().equals(known.tenantId())
        && fetched.stamp().olderThan(known.stamp());
  }
}
