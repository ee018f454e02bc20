package dev.tcs.catalogue.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes; no fixed sleeps in tests. */
public final class Eventually {
  private Eventually() {}

  /** Waits until {@code condition} holds; fails with {@code what()} after {@code timeout}. */
  public static void until(Duration timeout, BooleanSupplier condition, Supplier<String> what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pauseMillis = 5;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout + ": " + what.get());
      }
      LockSupport.parkNanos(pauseMillis * 1_000_000);
      pauseMillis = Math.min(100, pauseMillis * 2);
    }
  }
}
