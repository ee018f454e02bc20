package dev.tcs.sidecar.lane;

import dev.tcs.core.config.Settings;
import java.time.Duration;

/**
 * Section {@code sidecar.routing}: how the sidecar chooses regions and bounds its lanes.
 *
 * <pre>
 * routing:
 *   adaptive: true        pick the primary from measurements; false: always sidecar.primary
 *   eject-after: 5        consecutive failures (errors, timeouts) that eject a region
 *   eject-base: 1s        the first ejection; each further one doubles, up to eject-max
 *   eject-max: 30s
 *   lane-limit: adaptive  adaptive (Netflix concurrency-limits) or fixed (max-in-flight-per-region)
 *   initial-limit: 32     the adaptive limit before any measurement (at most max-in-flight-per-region)
 *   min-limit: 4
 * </pre>
 */
public record RoutingSettings(
    boolean adaptive, int ejectAfter, Duration ejectBase, Duration ejectMax, boolean adaptiveLimit, int initialLimit, int minLimit) {

  /** Reads the section; {@code maxInFlight} is {@code sidecar.max-in-flight-per-region}. */
  public static RoutingSettings from(Settings routing, int maxInFlight) {
    routing.allowOnly("adaptive", "eject-after", "eject-base", "eject-max", "lane-limit", "initial-limit", "min-limit");
    int ejectAfter = routing.integer("eject-after", 1, 1000, 5);
    Duration base = routing.duration("eject-base", Duration.ofSeconds(1));
    routing.check(!base.isZero() && base.compareTo(Duration.ofHours(1)) <= 0, "eject-base", "must be more than 0 and at most 1h");
    Duration max = routing.duration("eject-max", Duration.ofSeconds(30));
    routing.check(max.compareTo(base) >= 0 && max.compareTo(Duration.ofHours(1)) <= 0, "eject-max", "must be at least eject-base (" + base + ") and at most 1h");
    String laneLimit = routing.string("lane-limit", "adaptive");
    routing.check(laneLimit.equals("adaptive") || laneLimit.equals("fixed"), "lane-limit", "must be adaptive or fixed");
    int initial = routing.integer("initial-limit", 1, maxInFlight, Math.min(32, maxInFlight));
    int min = routing.integer("min-limit", 1, initial, Math.min(4, initial));
    return new RoutingSettings(routing.bool("adaptive", true), ejectAfter, base, max, laneLimit.equals("adaptive"), initial, min);
  }
}
