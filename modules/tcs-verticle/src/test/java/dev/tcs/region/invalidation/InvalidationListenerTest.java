package dev.tcs.region.invalidation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.hazelcast.topic.Message;
import dev.tcs.core.model.Invalidation;
import dev.tcs.core.read.InvalidationMessage;
import dev.tcs.core.security.Hmac;
import dev.tcs.core.read.ReadKey;
import dev.tcs.core.read.Stamp;
import dev.tcs.region.RegionMetrics;
import dev.tcs.region.cache.CacheSettings;
import dev.tcs.region.cache.ViewCache;
import dev.tcs.region.store.StoredView;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class InvalidationListenerTest {
  private static final Hmac KEY = Hmac.of("a-test-invalidation-key-of-32-chars-or-more");
  private static final ReadKey ACME = ReadKey.tenant("acme", "jira");
  private final AtomicInteger loads = new AtomicInteger();
  private final AtomicLong stored = new AtomicLong(5);
  private final ViewCache cache =
      new ViewCache(
          (key, consistent) -> {
            loads.incrementAndGet();
            return CompletableFuture.completedFuture(new StoredView("acme", new Stamp(stored.get(), 1), false, "{}"));
          },
          new CacheSettings(100, Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofSeconds(5)),
          Runnable::run,
          () -> 0L);
  private final AtomicInteger cancellations = new AtomicInteger();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final RegionMetrics metrics = new RegionMetrics(registry, "test");
  private final InvalidationListener listener = new InvalidationListener("test", KEY, cache, metrics, cancellations::incrementAndGet);

  @Test
  void onMessage_newerVersion_dropsEntry() {
    cache.get(ACME).join();
    stored.set(6);
    deliver(1, new InvalidationMessage(new Invalidation("acme", "jira", List.of(), 6), 1).encode());
    assertEquals(new Stamp(6, 1), cache.get(ACME).join().version());
    assertEquals(2, loads.get());
    assertEquals(1.0, count(RegionMetrics.INVALIDATIONS_RECEIVED, "outcome", "applied"));
  }

  @Test
  void onMessage_olderVersion_keepsEntry() {
    cache.get(ACME).join();
    deliver(1, new InvalidationMessage(new Invalidation("acme", "jira", List.of(), 4), 1).encode());
    cache.get(ACME).join();
    assertEquals(1, loads.get());
  }

  @Test
  void storeSequence_gap_flushesCache() {
    deliver(1, new Invalidation("other", "jira", List.of(), 1).toJson().encode());
    cache.get(ACME).join();
    deliver(3, new Invalidation("other", "jira", List.of(), 2).toJson().encode());
    cache.get(ACME).join();
    assertEquals(2, loads.get());
    assertEquals(1.0, flushes());
  }

  @Test
  void storeSequence_consecutive_keepsCache() {
    deliver(1, new Invalidation("other", "jira", List.of(), 1).toJson().encode());
    cache.get(ACME).join();
    deliver(2, new Invalidation("other", "jira", List.of(), 2).toJson().encode());
    cache.get(ACME).join();
    assertEquals(1, loads.get());
    assertEquals(0.0, flushes());
  }

  @Test
  void onMessage_badMessage_isCountedAndSkipped() {
    deliver(1, "{\"tenantId\":\"A!\"}");
    deliver(2, "not json");
    assertEquals(2.0, count(RegionMetrics.INVALIDATIONS_RECEIVED, "outcome", "rejected"));
    assertEquals(0.0, count(RegionMetrics.INVALIDATIONS_RECEIVED, "outcome", "applied"));
  }

  @Test
  void onCancel_byHazelcast_flushesCacheAndAsksToSubscribeAgain() {
    cache.get(ACME).join();
    listener.onCancel();
    cache.get(ACME).join();
    assertEquals(2, loads.get());
    assertEquals(1.0, flushes());
    assertEquals(1, cancellations.get());
  }

  @Test
  void onCancel_afterClose_flushesNothing() {
    cache.get(ACME).join();
    listener.close();
    listener.onCancel();
    cache.get(ACME).join();
    assertEquals(1, loads.get());
    assertEquals(0, cancellations.get());
  }

  @Test
  void onMessage_unsealedOrForeignKey_isCountedAsForgedAndSkipped() {
    cache.get(ACME).join();
    String newer = new InvalidationMessage(new Invalidation("acme", "jira", List.of(), 6), 1).encode();
    deliverRaw(1, newer);
    deliverRaw(2, Hmac.of("another-invalidation-key-of-32-chars-or-more").seal(newer));
    cache.get(ACME).join();
    assertEquals(1, loads.get(), "a forged message drops nothing");
    assertEquals(2.0, count(RegionMetrics.INVALIDATIONS_RECEIVED, "outcome", "forged"));
    assertEquals(0.0, count(RegionMetrics.INVALIDATIONS_RECEIVED, "outcome", "applied"));
  }

  private void deliver(long sequence, String payload) {
    deliverRaw(sequence, KEY.seal(payload));
  }

  private void deliverRaw(long sequence, String payload) {
    listener.storeSequence(sequence);
    listener.onMessage(new Message<>("tcs.invalidations", payload, 0, null));
  }

  private double count(String name, String tag, String value) {
    return registry.get(name).tag(tag, value).counter().count();
  }

  private double flushes() {
    return registry.get(RegionMetrics.CACHE_FLUSHES).counters().stream().mapToDouble(c -> c.count()).sum();
  }
}
