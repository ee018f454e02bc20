package dev.tcs.region.invalidation;

import com.hazelcast.topic.Message;
import com.hazelcast.topic.ReliableMessageListener;
import dev.tcs.core.model.ValidationException;
import dev.tcs.region.RegionMetrics;
import dev.tcs.region.cache.ViewCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens to the region's invalidation topic (a Hazelcast reliable topic) for this node and drops
 * the node's L1 entries that a message makes out of date (the rules are {@link ViewCache}'s).
 *
 * <p>Starts at the next message published. Hazelcast hands it each message's sequence before the
 * message; when a sequence is not the one after the last (messages were lost, or the listener
 * fell behind the ring buffer), the whole cache is flushed, since which entries changed is no
 * longer known. A message that cannot be read is counted and logged, never retried.
 *
 * <p>Runs on Hazelcast's threads; cache operations do not block.
 */
public final class InvalidationListener implements ReliableMessageListener<String> {
  private static final Logger log = LoggerFactory.getLogger(InvalidationListener.class);

  private final String region;
  private final ViewCache cache;
  private final RegionMetrics metrics;
  private long lastSequence = -1;

  public InvalidationListener(String region, ViewCache cache, RegionMetrics metrics) {
    this.region = region;
    this.cache = cache;
    this.metrics = metrics;
  }

  @Override
  public void onMessage(Message<String> message) {
    InvalidationMessage decoded;
    try {
      decoded = InvalidationMessage.decode(message.getMessageObject());
    } catch (ValidationException e) {
      metrics.invalidationRejected.increment();
      log.warn("invalidation rejected region={} sequence={} field={} reason={}", region, lastSequence, e.field(), e.getMessage());
      return;
    } catch (ClassCastException e) {
      metrics.invalidationRejected.increment();
      log.warn("invalidation rejected region={} sequence={} reason=not a JSON string", region, lastSequence);
      return;
    }
    if (decoded.revision() == InvalidationMessage.UNKNOWN_REVISION) {
      cache.invalidate(decoded.invalidation());
    } else {
      cache.invalidate(decoded.invalidation(), decoded.revision());
    }
    metrics.invalidationApplied.increment();
  }

  /** From the next message on: what was published before this node listened is already in its table reads. */
  @Override
  public long retrieveInitialSequence() {
    return -1;
  }

  @Override
  public synchronized void storeSequence(long sequence) {
    if (lastSequence >= 0 && sequence != lastSequence + 1) {
      cache.flush();
      metrics.cacheFlushes.increment();
      log.warn("invalidation gap, cache flushed region={} lastSequence={} sequence={}", region, lastSequence, sequence);
    }
    lastSequence = sequence;
  }

  /** Loss is survivable: the gap flushes the cache, and listening goes on. */
  @Override
  public boolean isLossTolerant() {
    return true;
  }

  @Override
  public boolean isTerminal(Throwable failure) {
    return false;
  }
}
