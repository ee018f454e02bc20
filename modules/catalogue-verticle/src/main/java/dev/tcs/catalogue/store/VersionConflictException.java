package dev.tcs.catalogue.store;

/**
 * An append lost a race: the head was not at the version the append expected, or a concurrent
 * transaction touched the same tenant. Nothing was written; re-reading the head and deciding again
 * is safe.
 */
public final class VersionConflictException extends RuntimeException {
  private final String tenantId;
  private final long expectedVersion;

  public VersionConflictException(String tenantId, long expectedVersion, String reason) {
    super("tenant " + tenantId + " is no longer at version " + expectedVersion + " (" + reason + ")", null, false, false);
    this.tenantId = tenantId;
    this.expectedVersion = expectedVersion;
  }

  public String tenantId() {
    return tenantId;
  }

  /** The version the append expected the head to be at (0: expected no head). */
  public long expectedVersion() {
    return expectedVersion;
  }
}
