package dev.tcs.sidecar.invalidation;

import dev.tcs.core.security.Hmac;
import static dev.tcs.sidecar.TestAnswers.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.topic.Message;
import dev.tcs.core.model.Invalidation;
import dev.tcs.core.model.ValidationException;
import dev.tcs.core.read.ReadKey;
import dev.tcs.sidecar.FakeTicker;
import dev.tcs.sidecar.SidecarConfig;
import dev.tcs.sidecar.SidecarMetrics;
import dev.tcs.sidecar.cache.ViewCache;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sequence gaps, payload formats and bad messages, without a cluster. */
class InvalidationListenerTest {
  private static final Hmac KEY = Hmac.of("a-test-invalidation-key-of-32-chars-or-more");
  private static final ReadKey ACME = ReadKey.tenant("acme", "jira");

  private SimpleMeterRegistry registry;
  private ViewCache cache;
  private AtomicInteger cancellations;
  private InvalidationListener listener;

  @BeforeEach
  void setUp() {
    registry = new SimpleMeterRegistry();
    SidecarMetrics metrics = new SidecarMetrics(registry);
    Duration hour = Duration.ofHours(1);
    cache = new ViewCache(new SidecarConfig.Cache(100, hour, Duration.ofSeconds(5), hour), new FakeTicker(), Runnable::run, metrics);
    cancellations = new AtomicInteger();
    listener = new InvalidationListener(KEY, cache, metrics, cancellations::incrementAndGet);
    cache.noteConsumer("jira");
    cache.settle(ACME, value("us-east", "acme", 5), cache.epoch());
  }

  /** Delivers {@code payload} sealed with the key, as a region publishes it (text stays text, bytes stay bytes). */
  private void deliver(long sequence, Object payload) {
    Object sealed = payload;
    if (payload instanceof String text) {
      sealed = KEY.seal(text);
    } else if (payload instanceof byte[] bytes) {
      sealed = KEY.seal(new String(bytes, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
    } else if (payload instanceof HazelcastJsonValue json) {
      sealed = new HazelcastJsonValue(KEY.seal(json.getValue()));
    }
    deliverRaw(sequence, sealed);
  }

  private void deliverRaw(long sequence, Object payload) {
    listener.storeSequence(sequence);
    listener.onMessage(new Message<>(Invalidation.TOPIC, payload, 0, null));
  }

  private double count(String name, String tag, String value) {
    return registry.get(name).tag(tag, value).counter().count();
  }

  private static String json(long version) {
    return new Invalidation("acme", "jira", List.of(), version).toJson().encode();
  }

  @Test
  void retrieveInitialSequence_fresh_startsAtTheTail() {
    assertEquals(-1, listener.retrieveInitialSequence());

    listener.storeSequence(41);

    assertEquals(42, listener.retrieveInitialSequence());
  }

  @Test
  void storeSequence_consecutive_keepsCache() {
    deliver(10, json(1));
    deliver(11, json(2));

    assertNotNull(cache.fresh(ACME));
    assertEquals(0.0, count(SidecarMetrics.CACHE_FLUSHES, "reason", "gap"));
  }

  @Test
  void storeSequence_gap_flushesCache() {
    listener.storeSequence(10);

    listener.storeSequence(12);

    assertNull(cache.fresh(ACME));
    assertEquals(1.0, count(SidecarMetrics.CACHE_FLUSHES, "reason", "gap"));
  }

  @Test
  void onMessage_newerInvalidationAsString_dropsEntry() {
    deliver(0, json(6));

    assertNull(cache.fresh(ACME));
    assertEquals(1.0, count(SidecarMetrics.INVALIDATIONS, "outcome", "applied"));
  }

  @Test
  void onMessage_olderInvalidationAsBytes_keepsEntry() {
    deliver(0, json(4).getBytes(StandardCharsets.UTF_8));

    assertEquals(5, cache.fresh(ACME).version());
    assertEquals(1.0, count(SidecarMetrics.INVALIDATIONS, "outcome", "ignored"));
  }

  @Test
  void onMessage_hazelcastJsonValue_isRead() {
    deliver(0, new HazelcastJsonValue(json(6)));

    assertNull(cache.fresh(ACME));
  }

  @Test
  void onMessage_invalidPayload_isCountedAndSkipped() {
    deliver(0, "{\"tenantId\":\"A!\",\"consumer\":\"jira\",\"version\":6}");
    deliver(1, 42);
    deliver(2, "not json");

    assertEquals(2.0, count(SidecarMetrics.INVALIDATIONS, "outcome", "rejected"));
    assertEquals(1.0, count(SidecarMetrics.INVALIDATIONS, "outcome", "forged"), "a payload that is not text carries no seal");
    assertEquals(5, cache.fresh(ACME).version());
  }

  @Test
  void onMessage_unsealedOrForeignKey_isCountedAsForgedAndSkipped() {
    deliverRaw(0, json(6));
    deliverRaw(1, Hmac.of("another-invalidation-key-of-32-chars-or-more").seal(json(6)));

    assertEquals(5, cache.fresh(ACME).version());
    assertEquals(2.0, count(SidecarMetrics.INVALIDATIONS, "outcome", "forged"));
  }

  @Test
  void onMessage_sameVersionWithHigherRevision_dropsEntry() {
    cache.settle(ACME, value("us-east", "acme", 5, 1), cache.epoch());

    deliver(0, new Invalidation("acme", "jira", List.of(), 5).toJson().put("revision", 2).encode());

    assertNull(cache.fresh(ACME));
  }

  @Test
  void onMessage_badRevision_isRejected() {
    deliver(0, new Invalidation("acme", "jira", List.of(), 6).toJson().put("revision", -3).encode());

    assertEquals(1.0, count(SidecarMetrics.INVALIDATIONS, "outcome", "rejected"));
    assertEquals(5, cache.fresh(ACME).version());
  }

  @Test
  void onCancel_byHazelcast_flushesAndAsksToResubscribe() {
    listener.onCancel();

    assertNull(cache.fresh(ACME));
    assertEquals(1, cancellations.get());
    assertEquals(1.0, count(SidecarMetrics.CACHE_FLUSHES, "reason", "cancelled"));
  }
}
