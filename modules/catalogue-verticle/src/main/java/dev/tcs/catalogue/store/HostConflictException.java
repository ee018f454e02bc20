package dev.tcs.catalogue.store;

/**
 * An append tried to claim a host that another tenant holds. Nothing was written.
 */
public final class HostConflictException extends RuntimeException {
  private final String host;
  private final String owner;

  /**
   * @param host the host that is taken
   * @param owner the tenant holding it, or {@code null} if the store did not say
   */
  public HostConflictException(String host, String owner) {
    super(
        "host '" + host + "' already belongs to " + (owner == null ? "another tenant" : "tenant '" + owner + "'"),
        null,
        false,
        false);
    this.host = host;
    this.owner = owner;
  }

  public String host() {
    return host;
  }

  public String owner() {
    return owner;
  }
}
