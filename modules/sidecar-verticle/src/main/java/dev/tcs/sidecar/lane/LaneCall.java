package dev.tcs.sidecar.lane;

import io.vertx.core.Future;

/** One read in flight on a {@link Lane}. */
public interface LaneCall {
  /** Completes with the region's decisive answer, or fails with a {@link LaneFailure}. */
  Future<RegionAnswer> answer();

  /**
   * Abandons the read (resets its HTTP/2 stream) if it has not ended yet; its answer then fails
   * with {@link LaneFailure.Kind#CANCELLED}. Safe to call from any thread, more than once.
   */
  void cancel();

  /** A call that already ended with {@code failure}. */
  static LaneCall failed(LaneFailure failure) {
    Future<RegionAnswer> answer = Future.failedFuture(failure);
    return new LaneCall() {
      @Override
      public Future<RegionAnswer> answer() {
        return answer;
      }

      @Override
      public void cancel() {}
    };
  }
}
