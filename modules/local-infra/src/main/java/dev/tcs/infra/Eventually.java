package dev.tcs.infra;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Polls a condition until it holds or a deadline passes: how tests wait for something another
 * thread makes true (a record on a topic, a row in a table, a counter), with no fixed sleeps.
 * The pause between polls starts at 5 ms and doubles up to 100 ms.
 */
public final class Eventually {
  private Eventually() {}

  /** Waits until {@code condition} holds; fails with {@code what} after {@code timeout}. */
  public static void until(Duration timeout, String what, BooleanSupplier condition) {
    until(timeout, condition, () -> what);
  }

  /** As {@link #until(Duration, String, BooleanSupplier)}, describing the wait only on failure. */
  public static void until(Duration timeout, BooleanSupplier condition, Supplier<String> what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pauseMillis = 5;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what.get());
      }
      LockSupport.parkNanos(pauseMillis * 1_000_000);
      pauseMillis = Math.min(100, pauseMillis * 2);
    }
  }
}
