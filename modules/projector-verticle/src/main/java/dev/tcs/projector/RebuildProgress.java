package dev.tcs.projector;

import java.time.Duration;

/**
 * How far a rebuild is: records of the events topic handled so far of those present when it
 * began, reported about once a second while it runs and once when it has caught up.
 *
 * @param done records handled (projected or rejected) up to now
 * @param total records in the events topic when the rebuild began
 * @param rejected records skipped as invalid so far
 * @param views views produced so far (after coalescing)
 * @param elapsed time since the rebuild began
 * @param caughtUp true once every record present at the start has been handled
 */
public record RebuildProgress(long done, long total, long rejected, long views, Duration elapsed, boolean caughtUp) {
  /** Records per second since the start. */
  public double rate() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds > 0 ? done / seconds : 0;
  }

  /** Time left at the rate so far; zero once caught up, null while the rate is unknown. */
  public Duration eta() {
    if (caughtUp || done >= total) {
      return Duration.ZERO;
    }
    double rate = rate();
    return rate > 0 ? Duration.ofMillis((long) ((total - done) / rate * 1000)) : null;
  }

  /** The fraction done, 0..1. */
  public double fraction() {
    return total == 0 ? 1 : Math.min(1, (double) done / total);
  }
}
