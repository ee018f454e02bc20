package dev.tcs.region.chaos;

import dev.tcs.core.config.Settings;

/**
 * Section {@code chaos} of the region's config.
 *
 * @param enabled when false (the default) the region has no chaos route and injects no fault;
 *     when true, {@code /chaos} accepts faults from a token with role {@code admin}
 */
public record ChaosSettings(boolean enabled) {
  public static final ChaosSettings DISABLED = new ChaosSettings(false);

  /** Reads {@code chaos: {enabled: false}}; an unknown key stops start-up naming it. */
  public static ChaosSettings from(Settings chaos) {
    chaos.allowOnly("enabled");
    return new ChaosSettings(chaos.bool("enabled", false));
  }
}
