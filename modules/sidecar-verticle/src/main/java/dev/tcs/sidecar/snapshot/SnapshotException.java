package dev.tcs.sidecar.snapshot;

/** A snapshot that cannot be trusted: it does not decrypt with the key, or does not parse. */
public final class SnapshotException extends Exception {
  public SnapshotException(String reason) {
    super(reason);
  }

  public SnapshotException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
