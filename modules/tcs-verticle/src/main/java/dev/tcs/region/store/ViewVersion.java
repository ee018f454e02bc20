package dev.tcs.region.store;

import dev.tcs.core.model.View;

/**
 * The order of views of one {@code (tenant, consumer)}: by catalogue {@code version}, and at
 * equal version by definitions {@code revision} (a rebuild with new view definitions republishes
 * the same versions with a higher revision). A region stores, caches and serves a view only if
 * it is not older than what it already has, so versions never go backwards.
 *
 * <p>The region's table enforces the same rule with a conditional write (see {@link DynamoViewStore}).
 */
public record ViewVersion(long version, long revision) implements Comparable<ViewVersion> {
  /** Older than every real view: what an absent item counts as. */
  public static final ViewVersion NONE = new ViewVersion(0, 0);

  public static ViewVersion of(View view) {
    return new ViewVersion(view.version(), view.revision());
  }

  @Override
  public int compareTo(ViewVersion other) {
    int byVersion = Long.compare(version, other.version);
    return byVersion != 0 ? byVersion : Long.compare(revision, other.revision);
  }

  /** True if this comes strictly before {@code other}: a lower version, or the same version with a lower revision. */
  public boolean isOlderThan(ViewVersion other) {
    return compareTo(other) < 0;
  }

  /** True if this comes strictly after {@code other}. */
  public boolean isNewerThan(ViewVersion other) {
    return compareTo(other) > 0;
  }

  /** The later of the two. */
  public static ViewVersion max(ViewVersion a, ViewVersion b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  @Override
  public String toString() {
    return version + "." + revision;
  }
}
