package dev.tcs.sidecar.invalidation;

import dev.tcs.core.security.Hmac;
import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.topic.Message;
import com.hazelcast.topic.ReliableMessageListener;
import dev.tcs.core.model.Invalidation;
import dev.tcs.core.model.ValidationException;
import dev.tcs.core.read.InvalidationMessage;
import dev.tcs.core.read.InvalidationReceiver;
import dev.tcs.sidecar.SidecarMetrics;
import dev.tcs.sidecar.SidecarMetrics.InvalidationOutcome;
import dev.tcs.sidecar.cache.ViewCache;

/**
 * Listens to the home region's reliable topic {@value Invalidation#TOPIC} and applies each
 * {@link InvalidationMessage} to the {@link ViewCache}.
 *
 * <p>Consumes messages whose payload is the invalidation's JSON, as a {@code String}, UTF-8
 * {@code byte[]} or {@link HazelcastJsonValue}. Behaves as every invalidation listener does
 * ({@link InvalidationReceiver}): a message that is not a valid invalidation is counted
 * ({@code outcome=rejected}), logged with its sequence, and skipped; a skipped sequence number,
 * a delivery failure or a cancellation by Hazelcast flushes the whole cache, since an
 * invalidation may be lost; after a cancellation {@code onCancelled} subscribes again.
 *
 * <p>Called on Hazelcast's threads, one message at a time; the cache is thread-safe, so nothing
 * hops to an event loop. Never blocks.
 */
public final class InvalidationListener implements ReliableMessageListener<Object> {
  private final InvalidationReceiver receiver;
  private final Runnable onCancelled;

  /**
   * @param invalidationKey the home region's invalidation key: only messages sealed with it are read
   * @param onCancelled run (on a Hazelcast thread) after Hazelcast cancelled this listener, so the
   *     owner can subscribe it again
   */
  public InvalidationListener(Hmac invalidationKey, ViewCache cache, SidecarMetrics metrics, Runnable onCancelled) {
    this.receiver = new InvalidationReceiver("topic=" + Invalidation.TOPIC, invalidationKey, new Target(cache, metrics));
    this.onCancelled = onCancelled;
  }

  /** Continues after the last message seen; the first subscription starts at the next message. */
  @Override
  public long retrieveInitialSequence() {
    return receiver.initialSequence();
  }

  @Override
  public void storeSequence(long sequence) {
    receiver.sequence(sequence);
  }

  /** Lost messages are survived by flushing (see {@link #storeSequence}). */
  @Override
  public boolean isLossTolerant() {
    return true;
  }

  @Override
  public boolean isTerminal(Throwable failure) {
    return receiver.failed(failure);
  }

  /** Marks the listener as removed on purpose: its cancellation then flushes nothing. */
  void close() {
    receiver.close();
  }

  @Override
  public void onCancel() {
    if (receiver.cancelled()) {
      onCancelled.run();
    }
  }

  @Override
  public void onMessage(Message<Object> message) {
    Object payload = message.getMessageObject();
    receiver.message(payload instanceof HazelcastJsonValue json ? json.getValue() : payload);
  }

  private record Target(ViewCache cache, SidecarMetrics metrics) implements InvalidationReceiver.Target {
    @Override
    public void apply(InvalidationMessage message) {
      metrics.invalidation(cache.apply(message.invalidation(), message.revision()));
    }

    @Override
    public void forged(ValidationException reason) {
      metrics.invalidation(InvalidationOutcome.FORGED);
    }

    @Override
    public void rejected(ValidationException reason) {
      metrics.invalidation(InvalidationOutcome.REJECTED);
    }

    @Override
    public void flush(InvalidationReceiver.Flush reason) {
      cache.flush(reason);
    }
  }
}
