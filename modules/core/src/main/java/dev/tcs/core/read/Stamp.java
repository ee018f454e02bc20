package dev.tcs.core.read;

import dev.tcs.core.model.View;

/**
 * Where an answer stands in its tenant's history: the catalogue {@code version}, then the
 * {@code revision} of the view definitions it was built with (a rebuild after a
 * {@code views.yaml} change republishes the same versions with a higher revision).
 *
 * <p>The one rule that orders two answers about one tenant is {@link #olderThan}: a lower
 * version is older whatever the revisions; at equal versions the lower revision is older, but
 * only when both revisions are known. An unknown revision cannot be ordered against the same
 * version, so neither is older: a receiver keeps what it has, and drops a cached entry only if
 * it is older than the message (DESIGN.md "Invalidation"). A tombstone has a stamp like a value,
 * so a delete outranks every older value.
 *
 * @param version the catalogue version; 0 when unknown (older than every real version)
 * @param revision the definitions revision, {@link #UNKNOWN_REVISION} when the sender did not say
 */
public record Stamp(long version, long revision) {
  /** The revision of a stamp whose sender did not say. */
  public static final long UNKNOWN_REVISION = -1;

  /** Nothing known: older than every real version. */
  public static final Stamp NONE = new Stamp(0, UNKNOWN_REVISION);

  /** The stamp of a view. */
  public static Stamp of(View view) {
    return new Stamp(view.version(), view.revision());
  }

  /** True when the version is known (positive). */
  public boolean isKnown() {
    return version > 0;
  }

  /** True when the revision is known. */
  public boolean hasRevision() {
    return revision != UNKNOWN_REVISION;
  }

  /**
   * True when this is strictly older than {@code other}: a lower version, or the same version with
   * a lower revision when both revisions are known.
   */
  public boolean olderThan(Stamp other) {
    if (version != other.version) {
      return version < other.version;
    }
    return revision != UNKNOWN_REVISION && other.revision != UNKNOWN_REVISION && revision < other.revision;
  }

  /** True when this is strictly newer than {@code other}. */
  public boolean newerThan(Stamp other) {
    return other.olderThan(this);
  }

  /** The newer of the two ({@code this} on a tie or when they cannot be ordered). */
  public Stamp newer(Stamp other) {
    return olderThan(other) ? other : this;
  }

  /** {@code <version>.<revision>}, or {@code <version>} when the revision is unknown. */
  @Override
  public String toString() {
    return hasRevision() ? version + "." + revision : Long.toString(version);
  }
}
