package dev.tcs.sidecar.lane;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The {@link LanePicker} of an adaptive sidecar: every lane measured into {@link RegionScores},
 * and each read sent to the regions {@link RegionScores#choose()} picks (the best healthy region
 * as primary, a random healthy one or a region due for a probe as secondary).
 */
public final class AdaptiveRouting implements LanePicker {
  private final RegionScores scores;
  private final Map<String, Lane> lanes = new LinkedHashMap<>();

  /**
   * @param lanes every region's lane, in configured order, the configured primary first
   * @param scores the measurements, over the same regions
   * @param nanoClock the time source of latency samples
   */
  public AdaptiveRouting(List<? extends Lane> lanes, RegionScores scores, LongSupplier nanoClock) {
    this.scores = scores;
    for (Lane lane : lanes) {
      this.lanes.put(lane.region(), new MeasuredLane(lane, scores, nanoClock));
    }
  }

  @Override
  public List<Lane> pick() {
    RegionScores.Choice choice = scores.choose();
    Lane primary = lanes.get(choice.primary());
    return choice.secondary() == null ? List.of(primary) : List.of(primary, lanes.get(choice.secondary()));
  }

  public RegionScores scores() {
    return scores;
  }
}
