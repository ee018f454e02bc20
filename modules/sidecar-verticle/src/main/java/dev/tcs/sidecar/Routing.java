package dev.tcs.sidecar;

import dev.tcs.sidecar.lane.AdaptiveLaneLimit;
import dev.tcs.sidecar.lane.AdaptiveRouting;
import dev.tcs.sidecar.lane.FixedLaneLimit;
import dev.tcs.sidecar.lane.Lane;
import dev.tcs.sidecar.lane.LaneLimit;
import dev.tcs.sidecar.lane.LanePicker;
import dev.tcs.sidecar.lane.RegionScores;
import dev.tcs.sidecar.lane.RoutingSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the lane limits and the lane picker {@code sidecar.routing} asks for, with their meters. */
final class Routing {
  private static final Logger log = LoggerFactory.getLogger(Routing.class);

  private Routing() {}

  /** An adaptive limit (Netflix concurrency-limits) or the fixed {@code max-in-flight-per-region}. */
  static LaneLimit laneLimit(SidecarConfig config, String region, SidecarMetrics metrics) {
    RoutingSettings routing = config.routing();
    if (!routing.adaptiveLimit()) {
      return new FixedLaneLimit(config.maxInFlightPerRegion());
    }
    AdaptiveLaneLimit limit = new AdaptiveLaneLimit(routing.initialLimit(), routing.minLimit(), config.maxInFlightPerRegion(), System::nanoTime);
    metrics.laneLimit(region, limit::limit);
    return limit;
  }

  /** Adaptive routing over every lane, or the configured primary with a random secondary. */
  static LanePicker picker(SidecarConfig config, Map<String, ? extends Lane> lanes, SidecarMetrics metrics) {
    if (!config.routing().adaptive()) {
      List<Lane> secondaries = config.secondaries().stream().map(lanes::get).map(Lane.class::cast).toList();
      Lane primary = lanes.get(config.primary());
      return () -> secondaries.isEmpty() ? List.of(primary) : List.of(primary, secondaries.get(ThreadLocalRandom.current().nextInt(secondaries.size())));
    }
    List<Lane> ordered = new ArrayList<>();
    ordered.add(lanes.get(config.primary()));
    config.secondaries().forEach(region -> ordered.add(lanes.get(region)));
    RegionScores scores =
        new RegionScores(
            ordered.stream().map(Lane::region).toList(),
            config.routing(),
            System::nanoTime,
            n -> ThreadLocalRandom.current().nextInt(n),
            (region, failures, forNanos) -> {
              metrics.ejected(region);
              log.warn("region ejected region={} consecutiveFailures={} forMs={}", region, failures, TimeUnit.NANOSECONDS.toMillis(forNanos));
            });
    for (Lane lane : ordered) {
      metrics.routing(lane.region(), () -> scores.ewmaNanos(lane.region()), () -> lane.region().equals(scores.primary()), () -> scores.ejected(lane.region()));
    }
    return new AdaptiveRouting(ordered, scores, System::nanoTime);
  }
}
