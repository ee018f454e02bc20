package dev.tcs.sidecar.lane;

import java.util.function.LongSupplier;

/**
 * A lane whose every read is reported to {@link RegionScores}: an answer with its latency, a
 * timeout or error as a failure, a cancelled read as a lost race. A rejected read (the lane was
 * full) says nothing about the region and is not reported.
 */
final class MeasuredLane implements Lane {
  private final Lane lane;
  private final RegionScores scores;
  private final LongSupplier nanoClock;

  MeasuredLane(Lane lane, RegionScores scores, LongSupplier nanoClock) {
    this.lane = lane;
    this.scores = scores;
    this.nanoClock = nanoClock;
  }

  @Override
  public String region() {
    return lane.region();
  }

  @Override
  public LaneCall call(RegionRequest request) {
    long started = nanoClock.getAsLong();
    LaneCall call = lane.call(request);
    call.answer().onComplete(done -> report(done.succeeded(), done.cause(), nanoClock.getAsLong() - started));
    return call;
  }

  private void report(boolean answered, Throwable failure, long nanos) {
    if (answered) {
      scores.answered(region(), nanos);
      return;
    }
    LaneFailure.Kind kind = failure instanceof LaneFailure lf ? lf.kind() : LaneFailure.Kind.ERROR;
    switch (kind) {
      case CANCELLED -> scores.abandoned(region(), nanos);
      case REJECTED -> {}
      default -> scores.failed(region());
    }
  }
}
