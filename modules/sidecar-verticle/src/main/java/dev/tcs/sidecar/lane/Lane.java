package dev.tcs.sidecar.lane;

/**
 * The sidecar's path to one region: calls never wait on another region's lane.
 * {@link RegionLane} is the real one; tests use fakes.
 */
public interface Lane {
  /** The configured region name. */
  String region();

  /**
   * Starts a read and returns at once. The answer completes on the caller's Vert.x context (the
   * thread of whoever called this), or fails with a {@link LaneFailure}; it never blocks.
   */
  LaneCall call(RegionRequest request);
}
