package dev.tcs.sidecar;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** This module's argument order for {@link dev.tcs.infra.Eventually}: polls until the condition holds. */
final class Eventually {
  private Eventually() {}

  static void until(Duration timeout, String what, BooleanSupplier condition) {
    dev.tcs.infra.Eventually.until(timeout, what, condition);
  }
}
