package dev.tcs.projector;

import java.util.List;

/**
 * A rebuild's check failed, so it published nothing. The message names the check and its
 * figures ({@code view-count-drop: consumer jira would drop from 100 to 40 views ...}).
 */
public final class RebuildValidationException extends RuntimeException {
  private final String check;
  private final List<ConsumerChange> changes;

  RebuildValidationException(String failure, List<ConsumerChange> changes) {
    super("rebuild validation failed, nothing published: " + failure, null, false, false);
    this.check = failure.substring(0, failure.indexOf(':'));
    this.changes = List.copyOf(changes);
  }

  /** The name of the failed check: {@code view-count-drop}, {@code consumer-empty} or {@code rejected}. */
  public String check() {
    return check;
  }

  /** What the rebuild would have changed per consumer. */
  public List<ConsumerChange> changes() {
    return changes;
  }
}
