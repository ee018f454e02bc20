package dev.tcs.sidecar.lane;

import java.util.Optional;

/**
 * Bounds the reads one lane holds at once, so a slow region sheds load instead of queueing
 * without end. This is the seam for adaptive limits (Netflix concurrency-limits'
 * {@code Limiter}/{@code Listener} pair maps onto {@link #tryAcquire} and {@link Permit}).
 * Implementations are thread-safe: {@link #tryAcquire} runs on the caller's thread.
 */
public interface LaneLimit {
  /** A permit to send one read, or empty when the lane is full (the read is rejected). */
  Optional<Permit> tryAcquire();

  /** Reads held now. */
  int inFlight();

  /** Returned exactly once when the read ends. */
  interface Permit {
    /** The region answered (any decisive answer); {@code rttNanos} is its latency. */
    void onSuccess(long rttNanos);

    /** The read timed out or the region failed: a sign of overload. */
    void onDropped();

    /** The read ended for a reason that says nothing about the region's load (cancelled). */
    void onIgnore();
  }
}
