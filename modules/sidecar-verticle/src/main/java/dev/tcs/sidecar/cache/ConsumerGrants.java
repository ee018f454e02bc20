package dev.tcs.sidecar.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Bounds how long a sidecar answers a consumer from its cache without a region confirming that
 * the consumer still has a view: once per {@link #RECHECK_AFTER}, one read of the consumer (the
 * one that claims the recheck; the others keep reading the cache) goes to the regions even on a
 * cache hit. A region's 403 for the consumer (it was removed from {@code views.yaml}, a new
 * revision) drops every cached entry of the consumer through {@code onRevoked}, and from then on
 * its reads go to the regions, which answer 403. Any other answer from a region confirms it.
 *
 * <p>So a consumer removed from the definitions stops being answered by every sidecar within
 * {@link #RECHECK_AFTER} of its regions running with the new definitions (plus one read), however
 * long the cache ttl. When no region answers, nothing is learnt and cached values keep answering,
 * as they do for any outage. Thread-safe; costs one map lookup and one ticker read per hit.
 */
public final class ConsumerGrants {
  /** The longest a sidecar answers a consumer from memory without a region confirming its view. */
  public static final Duration RECHECK_AFTER = Duration.ofSeconds(5);

  private static final long REVOKED = Long.MIN_VALUE;
  private final Ticker ticker;
  private final long recheckNanos;
  private final Consumer<String> onRevoked;
  private final ConcurrentHashMap<String, AtomicLong> confirmedAt = new ConcurrentHashMap<>();

  public ConsumerGrants(Ticker ticker, Duration recheckAfter, Consumer<String> onRevoked) {
    this.ticker = ticker;
    this.recheckNanos = recheckAfter.toNanos();
    this.onRevoked = onRevoked;
  }

  /**
   * True when {@code consumer} was confirmed by a region within the recheck interval; a pure read
   * that claims nothing, for the read fast path (which hands anything else to the routed path,
   * where {@link #mayAnswerFromCache} claims a due recheck).
   */
  public boolean confirmedRecently(String consumer) {
    AtomicLong confirmed = confirmedAt.get(consumer);
    if (confirmed == null) {
      return false;
    }
    long at = confirmed.get();
    return at != REVOKED && ticker.read() - at < recheckNanos;
  }

  /**
   * True when this read may be answered from the cache; false when it must go to the regions:
   * the consumer was never confirmed, was revoked, or this read claimed its due recheck.
   */
  public boolean mayAnswerFromCache(String consumer) {
    AtomicLong confirmed = confirmedAt.get(consumer);
    if (confirmed == null) {
      return false;
    }
    long at = confirmed.get();
    if (at == REVOKED) {
      return false;
    }
    long now = ticker.read();
    if (now - at < recheckNanos) {
      return true;
    }
    return !confirmed.compareAndSet(at, now); // the winner rechecks; the others read the cache meanwhile
  }

  /** Records a region's answer status for {@code consumer}: 403 revokes, anything else confirms. */
  public void observe(String consumer, int regionStatus) {
    if (regionStatus == 403) {
      AtomicLong previous = confirmedAt.put(consumer, new AtomicLong(REVOKED));
      if (previous == null || previous.get() != REVOKED) {
        onRevoked.accept(consumer);
      }
      return;
    }
    if (regionStatus == 401) {
      return; // the token's fault, not the consumer's
    }
    long now = ticker.read();
    confirmedAt.compute(consumer, (c, confirmed) -> {
      if (confirmed == null || confirmed.get() == REVOKED) {
        return new AtomicLong(now);
      }
      confirmed.set(now);
      return confirmed;
    });
  }
}
