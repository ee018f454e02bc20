package dev.tcs.core.read;

import dev.tcs.core.model.ValidationException;
import dev.tcs.core.security.Hmac;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every cache that listens to an invalidation topic does with it, region node and sidecar
 * alike; the Hazelcast {@code ReliableMessageListener} of each module only forwards its calls
 * here, so both behave the same.
 *
 * <ul>
 *   <li>Only messages sealed with the region's invalidation key ({@link InvalidationMessage#seal})
 *       are read: anything else (no tag, a wrong one, a payload that is not a string) goes to
 *       {@link Target#forged}, is logged at most once every ten seconds, and is dropped; it still
 *       counts as received for gap detection.
 *   <li>Each valid message is handed to {@link Target#apply}; one that is not a valid
 *       {@link InvalidationMessage} goes to {@link Target#rejected}, is logged with its sequence,
 *       and is skipped (never retried).
 *   <li>The topic numbers its messages. When a number is skipped (the listener fell behind the
 *       ring buffer, or the cluster restarted) the whole cache is flushed ({@link Flush#GAP}),
 *       since which entries changed is no longer known.
 *   <li>When the topic fails or cancels the listener, the cache is flushed too ({@link
 *       Flush#FAILED}, {@link Flush#CANCELLED}); after a cancellation the owner subscribes again,
 *       continuing after the last message seen ({@link #initialSequence()}).
 * </ul>
 *
 * <p>Thread-safe; called on the topic's threads, one message at a time. Never blocks, as long
 * as the target does not.
 */
public final class InvalidationReceiver {
  private static final Logger log = LoggerFactory.getLogger(InvalidationReceiver.class);
  private static final long FORGED_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** Why a cache was flushed. */
  public enum Flush {
    /** A message was lost: its sequence number was skipped. */
    GAP,
    /** The topic failed to deliver to the listener. */
    FAILED,
    /** The topic cancelled the listener. */
    CANCELLED,
    /** The connection to the topic's cluster came back after a disconnection. */
    RECONNECT
  }

  /** The cache a receiver keeps current. */
  public interface Target {
    /** Applies one valid message. */
    void apply(InvalidationMessage message);

    /** Counts a message not sealed with the invalidation key (dropped; logged at most every 10 s). */
    void forged(ValidationException reason);

    /** Counts a message that was not a valid invalidation (already logged). */
    void rejected(ValidationException reason);

    /** Drops every entry: invalidations may have been lost. */
    void flush(Flush reason);
  }

  private final String source;
  private final Hmac key;
  private final Target target;
  private final AtomicLong lastForgedLog = new AtomicLong(System.nanoTime() - FORGED_LOG_INTERVAL_NANOS);
  private final AtomicLong lastSequence = new AtomicLong(-1);
  private volatile boolean closed;

  /**
   * @param source names the topic in logs ({@code region=us-east}, {@code topic=tcs.invalidations})
   * @param key the region's shared invalidation key ({@code auth.invalidation-key})
   * @param target the cache to keep current
   */
  public InvalidationReceiver(String source, Hmac key, Target target) {
    this.source = source;
    this.key = key;
    this.target = target;
  }

  /** Where a (re)subscription starts: after the last message seen, or at the next one published. */
  public long initialSequence() {
    long last = lastSequence.get();
    return last < 0 ? -1 : last + 1;
  }

  /** Called before each message with its sequence: a jump means lost messages, so the cache is flushed. */
  public void sequence(long sequence) {
    long last = lastSequence.getAndSet(sequence);
    if (last >= 0 && sequence != last + 1) {
      log.warn("invalidations lost, flushing cache {} expectedSequence={} sequence={}", source, last + 1, sequence);
      target.flush(Flush.GAP);
    }
  }

  /** Opens, decodes and applies one message payload (sealed JSON text). */
  public void message(Object payload) {
    String opened;
    try {
      opened = InvalidationMessage.open(payload, key);
    } catch (ValidationException e) {
      long now = System.nanoTime();
      long last = lastForgedLog.get();
      if (now - last >= FORGED_LOG_INTERVAL_NANOS && lastForgedLog.compareAndSet(last, now)) {
        log.warn("invalidation dropped {} sequence={} reason={}", source, lastSequence.get(), e.getMessage());
      }
      target.forged(e);
      return;
    }
    InvalidationMessage message;
    try {
      message = InvalidationMessage.decode(opened);
    } catch (ValidationException e) {
      log.warn("invalidation rejected {} sequence={} field={} reason={}", source, lastSequence.get(), e.field(), e.getMessage());
      target.rejected(e);
      return;
    }
    target.apply(message);
  }

  /** The topic failed to deliver: flush, and keep listening (never terminal). */
  public boolean failed(Throwable failure) {
    log.warn("invalidation listener failed, flushing cache {} sequence={} reason={}", source, lastSequence.get(), String.valueOf(failure));
    target.flush(Flush.FAILED);
    return false;
  }

  /**
   * The topic cancelled the listener: flush, unless it was removed on purpose ({@link #close()}).
   *
   * @return true when the owner should subscribe again
   */
  public boolean cancelled() {
    if (closed) {
      return false;
    }
    log.warn("invalidation listener cancelled, flushing cache {} sequence={}", source, lastSequence.get());
    target.flush(Flush.CANCELLED);
    return true;
  }

  /** Marks the listener as removed on purpose: its cancellation then flushes nothing. */
  public void close() {
    closed = true;
  }
}
