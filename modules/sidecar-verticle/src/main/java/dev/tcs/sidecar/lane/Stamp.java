package dev.tcs.sidecar.lane;

/**
 * Where an answer stands in its tenant's history: the catalogue version, then the revision of the
 * view definitions it was built with (a rebuild after a {@code views.yaml} change keeps the version
 * and raises the revision).
 *
 * @param version the catalogue version; 0 when unknown
 * @param revision the definitions revision; {@link #UNKNOWN} when the sender did not say
 */
public record Stamp(long version, long revision) {
  public static final long UNKNOWN = -1;

  /** Nothing known. */
  public static final Stamp NONE = new Stamp(0, UNKNOWN);

  /**
   * True when this is strictly older than {@code other}: a lower version, or the same version
   * with a lower revision when both revisions are known.
   */
  public boolean olderThan(Stamp other) {
    if (version != other.version) {
      return version < other.version;
    }
    return revision != UNKNOWN && other.revision != UNKNOWN && revision < other.revision;
  }

  /** The newer of the two ({@code this} on a tie or when they cannot be ordered). */
  public Stamp newer(Stamp other) {
    return olderThan(other) ? other : this;
  }
}
