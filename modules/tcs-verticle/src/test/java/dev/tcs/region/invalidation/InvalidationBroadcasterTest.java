package dev.tcs.region.invalidation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.model.Invalidation;
import dev.tcs.core.read.InvalidationMessage;
import dev.tcs.core.security.Hmac;
import dev.tcs.core.read.Stamp;
import dev.tcs.region.RegionMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InvalidationBroadcasterTest {
  private static final Hmac KEY = Hmac.of("a-test-invalidation-key-of-32-chars-or-more");
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final RegionMetrics metrics = new RegionMetrics(registry, "test");
  private InvalidationBroadcaster broadcaster;

  @AfterEach
  void close() {
    if (broadcaster != null) {
      broadcaster.close();
    }
  }

  @Test
  void offer_publisher_publishesInOrder() throws Exception {
    BlockingQueue<String> published = new LinkedBlockingQueue<>();
    broadcaster = new InvalidationBroadcaster("test", KEY, (message, timeout) -> published.add(message), 10, Duration.ofSeconds(1), metrics).start();

    broadcaster.offer(message("acme", 1));
    broadcaster.offer(message("acme", 2));

    assertEquals(InvalidationMessage.decode(KEY.open(published.poll(5, TimeUnit.SECONDS))).invalidation().version(), 1);
    assertEquals(InvalidationMessage.decode(KEY.open(published.poll(5, TimeUnit.SECONDS))).invalidation().version(), 2);
  }

  @Test
  void offer_queueFullBehindSlowPublisher_dropsAndCounts() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch publishing = new CountDownLatch(1);
    broadcaster =
        new InvalidationBroadcaster(
                "test",
                KEY,
                (message, timeout) -> {
                  publishing.countDown();
                  release.await();
                },
                2,
                Duration.ofSeconds(1),
                metrics)
            .start();

    assertTrue(broadcaster.offer(message("acme", 1)));
    assertTrue(publishing.await(5, TimeUnit.SECONDS), "the worker holds the first message");
    assertTrue(broadcaster.offer(message("acme", 2)));
    assertTrue(broadcaster.offer(message("acme", 3)));
    assertFalse(broadcaster.offer(message("acme", 4)), "queue of 2 is full");
    assertEquals(1.0, count(RegionMetrics.INVALIDATIONS_SENT, "outcome", "dropped"));
    release.countDown();
  }

  @Test
  void publish_failingPublisher_countsFailure() throws Exception {
    CountDownLatch attempts = new CountDownLatch(3);
    broadcaster =
        new InvalidationBroadcaster(
                "test",
                KEY,
                (message, timeout) -> {
                  attempts.countDown();
                  throw new IllegalStateException("hazelcast down");
                },
                2,
                Duration.ofSeconds(1),
                metrics)
            .start();
    broadcaster.offer(message("acme", 1));
    assertTrue(attempts.await(5, TimeUnit.SECONDS));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (count(RegionMetrics.INVALIDATIONS_SENT, "outcome", "failed") < 1 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertEquals(1.0, count(RegionMetrics.INVALIDATIONS_SENT, "outcome", "failed"));
    assertEquals(0.0, count(RegionMetrics.INVALIDATIONS_SENT, "outcome", "published"));
  }

  @Test
  void encode_decode_keepsRevision() {
    InvalidationMessage message = new InvalidationMessage(new Invalidation("acme", "jira", List.of("acme.example.net"), 4), 2);
    assertEquals(message, InvalidationMessage.decode(message.encode()));
  }

  @Test
  void decode_coreMessageWithoutRevision_hasUnknownRevision() {
    Invalidation core = new Invalidation("acme", "jira", List.of(), 4);
    assertEquals(dev.tcs.core.read.Stamp.UNKNOWN_REVISION, InvalidationMessage.decode(core.toJson().encode()).revision());
  }

  private static InvalidationMessage message(String tenant, long version) {
    return new InvalidationMessage(new Invalidation(tenant, "jira", List.of(), version), 1);
  }

  private double count(String name, String tag, String value) {
    return registry.get(name).tag(tag, value).counter().count();
  }
}
