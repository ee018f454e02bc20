package dev.tcs.region.invalidation;

import dev.tcs.core.security.Hmac;
import dev.tcs.core.read.InvalidationMessage;
import dev.tcs.core.retry.Backoff;
import dev.tcs.region.RegionMetrics;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a region's invalidations through its own bounded queue and its own worker thread,
 * so a slow or unreachable Hazelcast never stalls ingest or reads: {@link #offer} never blocks,
 * and when the queue is full the invalidation is dropped and counted
 * ({@code tcs.region.invalidations.sent{outcome=dropped}}). Messages leave in the order offered.
 *
 * <p>A publish that fails is retried a few times, then counted as failed and logged at ERROR.
 * A dropped or failed invalidation leaves other nodes' entries to their refresh and expiry; the
 * node that ingested the view has already dropped its own entries directly.
 */
public final class InvalidationBroadcaster implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(InvalidationBroadcaster.class);
  private static final int ATTEMPTS = 3;
  private static final Backoff RETRY = Backoff.exponential(Duration.ofMillis(200), Duration.ofSeconds(2));

  /** The blocking publish of one sealed message, e.g. to a Hazelcast reliable topic. */
  @FunctionalInterface
  public interface Publisher {
    /** Returns once the message is accepted; throws if it was not within {@code timeout}. */
    void publish(String message, Duration timeout) throws Exception;
  }

  private final String region;
  private final Hmac key;
  private final Publisher publisher;
  private final Duration timeout;
  private final RegionMetrics metrics;
  private final BlockingQueue<InvalidationMessage> queue;
  private final Thread worker;
  private final AtomicLong dropped = new AtomicLong();
  private volatile boolean running = true;

  /** @param key the region's invalidation key: every message is published sealed with it ({@link InvalidationMessage#seal}) */
  public InvalidationBroadcaster(String region, Hmac key, Publisher publisher, int capacity, Duration timeout, RegionMetrics metrics) {
    this.region = region;
    this.key = key;
    this.publisher = publisher;
    this.timeout = timeout;
    this.metrics = metrics;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.worker = new Thread(this::drain, "tcs-invalidations-" + region);
    this.worker.setDaemon(true);
    metrics.gaugeQueue(queue::size);
  }

  /** Starts the worker thread. */
  public InvalidationBroadcaster start() {
    worker.start();
    return this;
  }

  /**
   * Queues a message without blocking; returns false (and counts a drop) when the queue is full.
   * Logs the first drop and every thousandth, not each one.
   */
  public boolean offer(InvalidationMessage message) {
    if (running && queue.offer(message)) {
      return true;
    }
    metrics.invalidationSent(RegionMetrics.Sent.DROPPED);
    long total = dropped.incrementAndGet();
    if (total == 1 || total % 1_000 == 0) {
      log.warn("invalidations dropped, publish queue full region={} droppedTotal={}", region, total);
    }
    return false;
  }

  /** Stops the worker; messages still queued are not published. Does not wait. */
  @Override
  public void close() {
    running = false;
    worker.interrupt();
  }

  private void drain() {
    while (running) {
      InvalidationMessage message;
      try {
        message = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      publish(message);
    }
  }

  private void publish(InvalidationMessage message) {
    String encoded = message.seal(key);
    for (int attempt = 1; attempt <= ATTEMPTS && running; attempt++) {
      try {
        publisher.publish(encoded, timeout);
        metrics.invalidationSent(RegionMetrics.Sent.PUBLISHED);
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (Exception e) {
        log.warn("invalidation publish failed region={} attempt={} reason={}", region, attempt, e.toString());
        if (attempt == ATTEMPTS || !pause(attempt)) {
          break;
        }
      }
    }
    metrics.invalidationSent(RegionMetrics.Sent.FAILED);
    log.error(
        "invalidation not published region={} tenantId={} consumer={} version={}",
        region, message.invalidation().tenantId(), message.invalidation().consumer(), message.invalidation().version());
  }

  /** Waits before the next attempt; this is the broadcaster's own thread, never an event loop. */
  private boolean pause(int attempt) {
    try {
      Thread.sleep(RETRY.delayMillis(attempt - 1));
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
