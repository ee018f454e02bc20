package dev.tcs.core.security;

import com.hazelcast.topic.Message;
import com.hazelcast.topic.ReliableMessageListener;
import dev.tcs.core.model.ValidationException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a listener of a Hazelcast reliable topic only the messages sealed with the shared key
 * ({@link Hmac#seal}), opened: anything else (no signature, a wrong one, a payload that is not a
 * string) is dropped, counted through {@code onForged} and logged at most once every ten seconds.
 * Sequences, loss tolerance and cancellation go to the listener as they are, so a dropped
 * message still counts as received for gap detection.
 *
 * @param <E> the listener's message type ({@code String} or {@code Object})
 */
public final class SealedListener<E> implements ReliableMessageListener<E> {
  private static final Logger log = LoggerFactory.getLogger(SealedListener.class);
  private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final ReliableMessageListener<E> listener;
  private final Hmac key;
  private final Runnable onForged;
  private final AtomicLong lastLog = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);

  private SealedListener(ReliableMessageListener<E> listener, Hmac key, Runnable onForged) {
    this.listener = listener;
    this.key = key;
    this.onForged = onForged;
  }

  public static <E> SealedListener<E> wrap(ReliableMessageListener<E> listener, Hmac key, Runnable onForged) {
    return new SealedListener<>(listener, key, onForged);
  }

  @Override
  @SuppressWarnings("unchecked")
  public void onMessage(Message<E> message) {
    String opened;
    try {
      if (!(message.getMessageObject() instanceof String sealed)) {
        throw new ValidationException("signature", "payload is not a string");
      }
      opened = key.open(sealed);
    } catch (ValidationException e) {
      onForged.run();
      long now = System.nanoTime();
      long last = lastLog.get();
      if (now - last >= LOG_INTERVAL_NANOS && lastLog.compareAndSet(last, now)) {
        log.warn("invalidation dropped topic={} publisher={} reason={}", message.getSource(), message.getPublishingMember(), e.getMessage());
      }
      return;
    }
    listener.onMessage(new Message<>(String.valueOf(message.getSource()), (E) opened, message.getPublishTime(), message.getPublishingMember()));
  }

  @Override
  public long retrieveInitialSequence() {
    return listener.retrieveInitialSequence();
  }

  @Override
  public void storeSequence(long sequence) {
    listener.storeSequence(sequence);
  }

  @Override
  public boolean isLossTolerant() {
    return listener.isLossTolerant();
  }

  @Override
  public boolean isTerminal(Throwable failure) {
    return listener.isTerminal(failure);
  }

  @Override
  public void onCancel() {
    listener.onCancel();
  }
}
