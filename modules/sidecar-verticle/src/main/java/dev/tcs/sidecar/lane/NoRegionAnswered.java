package dev.tcs.sidecar.lane;

import java.util.List;

/** Every region asked failed; the message lists each one's reason, e.g. {@code us-east: no answer within 500 ms}. */
final class NoRegionAnswered extends RuntimeException {
  private final List<String> reasons;

  public NoRegionAnswered(List<String> reasons) {
    super("no region answered (" + String.join("; ", reasons) + ")", null, false, false);
    this.reasons = List.copyOf(reasons);
  }

  public List<String> reasons() {
    return reasons;
  }
}
