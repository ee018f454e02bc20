package dev.tcs.core.log;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** This module's argument order for {@link dev.tcs.infra.Eventually}: polls until the condition holds. */
final class Eventually {
  private Eventually() {}

  static void until(String what, BooleanSupplier condition, Duration within) {
    dev.tcs.infra.Eventually.until(within, what, condition);
  }
}
