package dev.tcs.catalogue.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** This module's argument order for {@link dev.tcs.infra.Eventually}: polls until the condition holds. */
public final class Eventually {
  private Eventually() {}

  public static void until(Duration timeout, BooleanSupplier condition, Supplier<String> what) {
    dev.tcs.infra.Eventually.until(timeout, condition, what);
  }
}
