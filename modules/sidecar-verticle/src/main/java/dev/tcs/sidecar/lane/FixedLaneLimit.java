package dev.tcs.sidecar.lane;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** A fixed bound on reads in flight ({@code sidecar.max-in-flight-per-region}). Thread-safe. */
public final class FixedLaneLimit implements LaneLimit {
  private final int max;
  private final AtomicInteger inFlight = new AtomicInteger();

  public FixedLaneLimit(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1, but was " + max);
    }
    this.max = max;
  }

  @Override
  public Optional<Permit> tryAcquire() {
    while (true) {
      int now = inFlight.get();
      if (now >= max) {
        return Optional.empty();
      }
      if (inFlight.compareAndSet(now, now + 1)) {
        return Optional.of(new Release());
      }
    }
  }

  @Override
  public int inFlight() {
    return inFlight.get();
  }

  public int max() {
    return max;
  }

  private final class Release implements Permit {
    private boolean released;

    @Override
    public void onSuccess(long rttNanos) {
      release();
    }

    @Override
    public void onDropped() {
      release();
    }

    @Override
    public void onIgnore() {
      release();
    }

    private synchronized void release() {
      if (!released) {
        released = true;
        inFlight.decrementAndGet();
      }
    }
  }
}
