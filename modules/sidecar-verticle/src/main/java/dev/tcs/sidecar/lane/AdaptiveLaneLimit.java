package dev.tcs.sidecar.lane;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * An adaptive bound on a lane's reads in flight: Netflix concurrency-limits' {@link SimpleLimiter}
 * over a {@link Gradient2Limit}. The limit follows the region's latency: while answers come back
 * as fast as the long-run average it grows (by about the square root of the limit per sample);
 * when the recent latency rises above the long-run one (the region starts to queue) it shrinks at
 * once, down to {@code min}. A region that stays slow becomes the new long-run latency, and the
 * limit grows back (Gradient2's design: it reacts to a change of latency, not to its level; the
 * level is what adaptive routing ranks regions by). A full lane rejects at once, so the hedge's other region answers instead of this
 * lane's queue growing. Thread-safe, as the library is; nothing blocks.
 */
public final class AdaptiveLaneLimit implements LaneLimit {
  private final SimpleLimiter<Void> limiter;

  /**
   * @param initial the limit before any measurement
   * @param min the smallest limit it shrinks to (at least 1)
   * @param max the largest limit it grows to ({@code max-in-flight-per-region})
   * @param nanoClock the time source of the round-trip samples ({@link System#nanoTime} outside tests)
   */
  public AdaptiveLaneLimit(int initial, int min, int max, LongSupplier nanoClock) {
    if (min < 1 || min > initial || initial > max) {
      throw new IllegalArgumentException("limits must satisfy 1 <= min <= initial <= max, but were " + min + ", " + initial + ", " + max);
    }
    Gradient2Limit limit = Gradient2Limit.newBuilder().initialLimit(initial).minLimit(min).maxConcurrency(max).build();
    this.limiter = SimpleLimiter.newBuilder().limit(limit).nanoClock(nanoClock).build();
  }

  @Override
  public Optional<Permit> tryAcquire() {
    return limiter.acquire(null).map(Release::new);
  }

  @Override
  public int inFlight() {
    return limiter.getInflight();
  }

  /** The current limit. */
  public int limit() {
    return limiter.getLimit();
  }

  /** Hands exactly one outcome to the library's listener (which measures the round trip itself). */
  private static final class Release implements Permit {
    private final Limiter.Listener listener;
    private boolean released;

    Release(Limiter.Listener listener) {
      this.listener = listener;
    }

    @Override
    public synchronized void onSuccess(long rttNanos) {
      if (!released) {
        released = true;
        listener.onSuccess();
      }
    }

    @Override
    public synchronized void onDropped() {
      if (!released) {
        released = true;
        listener.onDropped();
      }
    }

    @Override
    public synchronized void onIgnore() {
      if (!released) {
        released = true;
        listener.onIgnore();
      }
    }
  }
}
