package dev.tcs.sidecar.invalidation;

import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.topic.Message;
import com.hazelcast.topic.ReliableMessageListener;
import dev.tcs.core.model.Invalidation;
import dev.tcs.core.model.JsonFields;
import dev.tcs.core.model.ValidationException;
import dev.tcs.sidecar.SidecarMetrics;
import dev.tcs.sidecar.SidecarMetrics.FlushReason;
import dev.tcs.sidecar.SidecarMetrics.InvalidationOutcome;
import dev.tcs.sidecar.cache.ViewCache;
import dev.tcs.sidecar.lane.Stamp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens to the home region's reliable topic {@value Invalidation#TOPIC} and applies each
 * {@link Invalidation} to the {@link ViewCache}.
 *
 * <p>Consumes messages whose payload is the invalidation's JSON, as a {@code String}, UTF-8
 * {@code byte[]} or {@link HazelcastJsonValue}. A message that is not a valid invalidation is
 * counted ({@code outcome=rejected}), logged with its sequence, and skipped. The topic numbers its
 * messages; when a number is skipped (messages lost: the listener fell behind the ring buffer, or
 * the cluster restarted), or when Hazelcast cancels the listener, the whole cache is flushed,
 * since an invalidation may be lost.
 *
 * <p>Called on Hazelcast's threads, one message at a time; the cache is thread-safe, so nothing
 * hops to an event loop. Never blocks.
 */
public final class InvalidationListener implements ReliableMessageListener<Object> {
  private static final Logger log = LoggerFactory.getLogger(InvalidationListener.class);

  private final ViewCache cache;
  private final SidecarMetrics metrics;
  private final Runnable onCancelled;
  private final AtomicLong lastSequence = new AtomicLong(-1);
  private volatile boolean closed;

  /**
   * @param onCancelled run (on a Hazelcast thread) after Hazelcast cancelled this listener, so the
   *     owner can subscribe it again
   */
  public InvalidationListener(ViewCache cache, SidecarMetrics metrics, Runnable onCancelled) {
    this.cache = cache;
    this.metrics = metrics;
    this.onCancelled = onCancelled;
  }

  /** Continues after the last message seen; the first subscription starts at the next message. */
  @Override
  public long retrieveInitialSequence() {
    long last = lastSequence.get();
    return last < 0 ? -1 : last + 1;
  }

  /** Called before each message with its sequence; a jump means lost messages, so the cache is flushed. */
  @Override
  public void storeSequence(long sequence) {
    long last = lastSequence.getAndSet(sequence);
    if (last >= 0 && sequence != last + 1) {
      log.warn("invalidations lost, flushing cache topic={} expectedSequence={} sequence={}", Invalidation.TOPIC, last + 1, sequence);
      cache.flush(FlushReason.GAP);
    }
  }

  /** Lost messages are survived by flushing (see {@link #storeSequence}). */
  @Override
  public boolean isLossTolerant() {
    return true;
  }

  @Override
  public boolean isTerminal(Throwable failure) {
    log.warn("invalidation listener failed, flushing cache topic={} sequence={}", Invalidation.TOPIC, lastSequence.get(), failure);
    cache.flush(FlushReason.GAP);
    return false;
  }

  /** Marks the listener as removed on purpose: its cancellation then flushes nothing. */
  void close() {
    closed = true;
  }

  @Override
  public void onCancel() {
    if (closed) {
      return;
    }
    log.warn("invalidation listener cancelled by hazelcast, flushing cache topic={} sequence={}", Invalidation.TOPIC, lastSequence.get());
    cache.flush(FlushReason.CANCELLED);
    onCancelled.run();
  }

  @Override
  public void onMessage(Message<Object> message) {
    JsonObject json;
    Invalidation invalidation;
    long revision;
    try {
      json = decode(message.getMessageObject());
      invalidation = Invalidation.fromJson(json);
      revision = json.getValue("revision") == null ? Stamp.UNKNOWN : JsonFields.longAtLeast(json, "revision", 0);
    } catch (ValidationException e) {
      metrics.invalidation(InvalidationOutcome.REJECTED);
      log.warn("invalidation rejected topic={} sequence={} reason={}", Invalidation.TOPIC, lastSequence.get(), e.getMessage());
      return;
    }
    metrics.invalidation(cache.apply(invalidation, revision));
  }

  /**
   * Reads the JSON object of a message payload; throws naming what was wrong. Besides the core
   * {@link Invalidation} fields it may carry {@code revision}, the definitions revision (regions
   * send it, so a rebuild with the same version still drops older slices).
   */
  static JsonObject decode(Object payload) {
    Buffer json;
    if (payload instanceof String text) {
      json = Buffer.buffer(text);
    } else if (payload instanceof byte[] bytes) {
      json = Buffer.buffer(bytes);
    } else if (payload instanceof HazelcastJsonValue value) {
      json = Buffer.buffer(value.getValue().getBytes(StandardCharsets.UTF_8));
    } else {
      String type = payload == null ? "null" : payload.getClass().getName();
      throw new ValidationException("invalidation", "invalidation must be JSON text, but the payload was a " + type);
    }
    return JsonFields.parseObject("invalidation", json);
  }
}
