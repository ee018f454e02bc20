package dev.tcs.region.invalidation;

import com.hazelcast.topic.Message;
import com.hazelcast.topic.ReliableMessageListener;
import dev.tcs.core.model.ValidationException;
import dev.tcs.core.read.InvalidationMessage;
import dev.tcs.core.read.InvalidationReceiver;
import dev.tcs.core.security.Hmac;
import dev.tcs.region.RegionMetrics;
import dev.tcs.region.cache.ViewCache;

/**
 * Listens to the region's invalidation topic (a Hazelcast reliable topic) for this node and drops
 * the node's L1 entries that a message makes out of date (the rules are {@link ViewCache}'s).
 *
 * <p>Behaves as every invalidation listener does ({@link InvalidationReceiver}): a gap in the
 * topic's sequence, a delivery failure or a cancellation by Hazelcast flushes the whole cache; a
 * message not sealed with the region's invalidation key is counted as forged and dropped; a
 * message that cannot be read is counted and logged, never retried. After a cancellation,
 * {@code onCancelled} lets the owner subscribe again.
 *
 * <p>Runs on Hazelcast's threads; cache operations do not block.
 */
public final class InvalidationListener implements ReliableMessageListener<Object> {
  private final InvalidationReceiver receiver;
  private final Runnable onCancelled;

  public InvalidationListener(String region, Hmac invalidationKey, ViewCache cache, RegionMetrics metrics, Runnable onCancelled) {
    this.receiver = new InvalidationReceiver("region=" + region, invalidationKey, new Target(cache, metrics));
    this.onCancelled = onCancelled;
  }

  @Override
  public void onMessage(Message<Object> message) {
    receiver.message(message.getMessageObject());
  }

  @Override
  public long retrieveInitialSequence() {
    return receiver.initialSequence();
  }

  @Override
  public void storeSequence(long sequence) {
    receiver.sequence(sequence);
  }

  /** Loss is survivable: the gap flushes the cache, and listening goes on. */
  @Override
  public boolean isLossTolerant() {
    return true;
  }

  @Override
  public boolean isTerminal(Throwable failure) {
    return receiver.failed(failure);
  }

  @Override
  public void onCancel() {
    if (receiver.cancelled()) {
      onCancelled.run();
    }
  }

  /** Marks the listener as removed on purpose: its cancellation then flushes nothing. */
  public void close() {
    receiver.close();
  }

  private record Target(ViewCache cache, RegionMetrics metrics) implements InvalidationReceiver.Target {
    @Override
    public void apply(InvalidationMessage message) {
      cache.invalidate(message);
      metrics.invalidationReceived(RegionMetrics.Received.APPLIED);
    }

    @Override
    public void forged(ValidationException reason) {
      metrics.invalidationReceived(RegionMetrics.Received.FORGED);
    }

    @Override
    public void rejected(ValidationException reason) {
      metrics.invalidationReceived(RegionMetrics.Received.REJECTED);
    }

    @Override
    public void flush(InvalidationReceiver.Flush reason) {
      cache.flush();
      metrics.cacheFlushed(reason);
    }
  }
}
