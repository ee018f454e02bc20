package dev.tcs.region.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.tcs.core.model.Invalidation;
import dev.tcs.core.read.ReadKey;
import dev.tcs.core.read.Stamp;
import dev.tcs.region.store.StoredView;
import dev.tcs.region.store.ViewSource;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The cache rules, with time and the store under the test's control: a direct executor, a manual ticker, no sleeps. */
class ViewCacheTest {
  private static final CacheSettings SETTINGS =
      new CacheSettings(1_000, Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofSeconds(5));
  private static final ReadKey ACME = ReadKey.tenant("acme", "jira");
  private static final ReadKey ACME_HOST = ReadKey.host("acme.example.net", "jira");

  private final FakeTicker ticker = new FakeTicker();
  private final FakeSource source = new FakeSource();
  private final ViewCache cache = new ViewCache(source, SETTINGS, Runnable::run, ticker);

  @Test
  void get_missThenHit_loadsOnce() {
    source.put(ACME, found("acme", 5, 1));
    CachedView first = cache.get(ACME).join();
    CompletableFuture<CachedView> second = cache.get(ACME);
    assertTrue(second.isDone());
    assertEquals(new Stamp(5, 1), second.join().version());
    assertEquals("{\"v\":5}", first.body().toString());
    assertEquals("\"5.1\"", first.etagText());
    assertEquals(1, source.calls(ACME));
  }

  @Test
  void get_miss_startsTheStoreReadOnTheCallingThread() {
    // An executor that runs nothing: a load handed to it (a wake-up of a pool thread on every
    // miss) would never reach the store.
    List<Runnable> queued = new ArrayList<>();
    ViewCache held = new ViewCache(source, SETTINGS, queued::add, ticker);
    source.put(ACME, found("acme", 5, 1));

    CompletableFuture<CachedView> loaded = held.get(ACME);

    assertEquals(1, source.calls(ACME), "the read started before get returned");
    assertTrue(loaded.isDone());
    assertEquals(new Stamp(5, 1), loaded.join().version());
  }

  @Test
  void get_sourceThrows_failedViewNotKept() {
    AtomicLong calls = new AtomicLong();
    ViewSource throwing = (key, consistent) -> {
      calls.incrementAndGet();
      throw new IllegalStateException("client closed");
    };
    ViewCache failing = new ViewCache(throwing, SETTINGS, Runnable::run, ticker);

    CachedView view = failing.get(ACME).join();

    assertTrue(view.failed());
    assertEquals("client closed", view.failure().getMessage());
    assertTrue(failing.get(ACME).join().failed());
    assertEquals(2, calls.get(), "the failure was not kept: the next read tried again");
  }

  @Test
  void invalidate_olderVersion_isIgnored() {
    source.put(ACME, found("acme", 5, 1));
    cache.get(ACME).join();
    cache.invalidate(invalidation("acme", 4), 1);
    cache.invalidate(invalidation("acme", 4));
    assertEquals(new Stamp(5, 1), cache.get(ACME).join().version());
    assertEquals(1, source.calls(ACME));
  }

  @Test
  void invalidate_sameVersionAndRevision_isIgnored() {
    source.put(ACME, found("acme", 5, 1));
    cache.get(ACME).join();
    cache.invalidate(invalidation("acme", 5), 1);
    cache.get(ACME).join();
    assertEquals(1, source.calls(ACME));
  }

  @Test
  void invalidate_newerVersion_dropsEntry() {
    source.put(ACME, found("acme", 5, 1));
    cache.get(ACME).join();
    source.put(ACME, found("acme", 6, 1));
    cache.invalidate(invalidation("acme", 6), 1);
    assertEquals(new Stamp(6, 1), cache.get(ACME).join().version());
    assertEquals(2, source.calls(ACME));
  }

  @Test
  void invalidate_sameVersionHigherRevision_dropsEntry() {
    source.put(ACME, found("acme", 5, 1));
    cache.get(ACME).join();
    source.put(ACME, found("acme", 5, 2));
    cache.invalidate(invalidation("acme", 5), 2);
    assertEquals(new Stamp(5, 2), cache.get(ACME).join().version());
  }

  @Test
  void invalidate_sameVersionWithoutRevision_keepsEntry() {
    // Stamp's one rule: an unknown revision cannot be ordered against the same version, so the
    // entry is not older than the message and stays (as in every sidecar).
    source.put(ACME, found("acme", 5, 1));
    cache.get(ACME).join();
    cache.invalidate(invalidation("acme", 5));
    cache.get(ACME).join();
    assertEquals(1, source.calls(ACME));
  }

  @Test
  void invalidate_whileLoadInFlight_olderResultIsNotStored() {
    CompletableFuture<StoredView> slowRead = new CompletableFuture<>();
    source.next(ACME, slowRead);
    CompletableFuture<CachedView> waiting = cache.get(ACME);
    assertFalse(waiting.isDone());

    source.putConsistent(ACME, found("acme", 5, 1));
    cache.invalidate(invalidation("acme", 5), 1);
    slowRead.complete(found("acme", 4, 1));

    assertEquals(new Stamp(5, 1), waiting.join().version(), "the older result was read again consistently");
    source.put(ACME, found("acme", 5, 1));
    assertEquals(new Stamp(5, 1), cache.get(ACME).join().version());
  }

  @Test
  void invalidate_whileLoadInFlight_loadResultIsDiscarded() {
    CompletableFuture<StoredView> slowRead = new CompletableFuture<>();
    source.next(ACME, slowRead);
    CompletableFuture<CachedView> waiting = cache.get(ACME);

    cache.invalidate(invalidation("acme", 5), 1);
    slowRead.complete(found("acme", 5, 1));

    assertEquals(new Stamp(5, 1), waiting.join().version(), "the read that waited gets what its load found");
    source.put(ACME, found("acme", 6, 1));
    assertEquals(new Stamp(6, 1), cache.get(ACME).join().version(), "the load that started before the message was not kept");
    assertEquals(2, source.calls(ACME));
  }

  @Test
  void load_belowFence_isReadAgainConsistently() {
    cache.invalidate(invalidation("acme", 5), 1);
    source.put(ACME, found("acme", 4, 1));
    source.putConsistent(ACME, found("acme", 5, 1));

    assertEquals(new Stamp(5, 1), cache.get(ACME).join().version());
    assertEquals(List.of(false, true), source.consistency(ACME));
    assertEquals(new Stamp(5, 1), cache.get(ACME).join().version());
    assertEquals(2, source.calls(ACME), "the consistent value was kept");
  }

  @Test
  void load_stillBelowFenceWhenConsistent_isServedButNotKept() {
    cache.invalidate(invalidation("acme", 5), 1);
    source.put(ACME, found("acme", 4, 1));

    CachedView first = cache.get(ACME).join();
    assertEquals(new Stamp(4, 1), first.version());
    assertFalse(first.cacheable());
    cache.get(ACME).join();
    assertEquals(4, source.calls(ACME));
  }

  @Test
  void fence_afterRetention_isForgotten() {
    cache.invalidate(invalidation("acme", 5), 1);
    ticker.advance(ViewCache.FENCE_RETENTION.plusSeconds(1));
    source.put(ACME, found("acme", 4, 1));
    assertTrue(cache.get(ACME).join().cacheable());
    assertEquals(List.of(false), source.consistency(ACME));
  }

  @Test
  void notFound_isKeptForNegativeTtlThenReloaded() {
    CachedView missing = cache.get(ACME).join();
    assertFalse(missing.found());
    ticker.advance(Duration.ofSeconds(4));
    cache.get(ACME).join();
    assertEquals(1, source.calls(ACME));
    ticker.advance(Duration.ofSeconds(2));
    source.put(ACME, found("acme", 1, 1));
    assertTrue(cache.get(ACME).join().found());
    assertEquals(2, source.calls(ACME));
  }

  @Test
  void notFound_isClearedByInvalidation() {
    assertFalse(cache.get(ACME).join().found());
    source.put(ACME, found("acme", 1, 1));
    cache.invalidate(invalidation("acme", 1), 1);
    assertTrue(cache.get(ACME).join().found());
  }

  @Test
  void tombstone_isNotFoundAndOlderInvalidationKeepsIt() {
    source.put(ACME, new StoredView("acme", new Stamp(8, 1), true, null));
    assertFalse(cache.get(ACME).join().found());
    cache.invalidate(invalidation("acme", 7), 1);
    cache.get(ACME).join();
    assertEquals(1, source.calls(ACME));
  }

  @Test
  void found_expiresAfterWrite() {
    source.put(ACME, found("acme", 5, 1));
    cache.get(ACME).join();
    ticker.advance(Duration.ofMinutes(11));
    cache.get(ACME).join();
    assertEquals(2, source.calls(ACME));
  }

  @Test
  void storeFailure_isAnsweredAndNotKept() {
    source.fail(ACME, new IllegalStateException("table down"));
    CachedView failed = cache.get(ACME).join();
    assertTrue(failed.failed());
    source.put(ACME, found("acme", 5, 1));
    assertTrue(cache.get(ACME).join().found());
  }

  @Test
  void refresh_storeFailure_keepsOldValue() {
    source.put(ACME, found("acme", 5, 1));
    cache.get(ACME).join();
    ticker.advance(Duration.ofMinutes(2));
    source.fail(ACME, new IllegalStateException("table down"));
    assertEquals(new Stamp(5, 1), cache.get(ACME).join().version(), "a due refresh answers the old value");
    assertEquals(2, source.calls(ACME));
    assertEquals(new Stamp(5, 1), cache.get(ACME).join().version(), "the failed refresh kept it");
  }

  @Test
  void refresh_olderView_keepsNewer() {
    source.put(ACME, found("acme", 5, 1));
    cache.get(ACME).join();
    ticker.advance(Duration.ofMinutes(2));
    source.put(ACME, found("acme", 4, 1));
    cache.get(ACME).join();
    assertEquals(new Stamp(5, 1), cache.get(ACME).join().version());
  }

  @Test
  void refresh_newerView_replaces() {
    source.put(ACME, found("acme", 5, 1));
    cache.get(ACME).join();
    ticker.advance(Duration.ofMinutes(2));
    source.put(ACME, found("acme", 6, 1));
    cache.get(ACME).join();
    assertEquals(new Stamp(6, 1), cache.get(ACME).join().version());
  }

  @Test
  void invalidate_hostKeys_dropOlderHostEntries() {
    source.put(ACME_HOST, found("acme", 5, 1));
    cache.get(ACME_HOST).join();
    source.put(ACME_HOST, found("acme", 6, 1));
    cache.invalidate(new Invalidation("acme", "jira", List.of("acme.example.net"), 6), 1);
    assertEquals(new Stamp(6, 1), cache.get(ACME_HOST).join().version());
    assertEquals(2, source.calls(ACME_HOST));
  }

  @Test
  void invalidate_hostOwnedByAnotherTenant_dropsItEvenIfItsVersionIsHigher() {
    source.put(ACME_HOST, found("globex", 9, 1));
    cache.get(ACME_HOST).join();
    cache.invalidate(new Invalidation("acme", "jira", List.of("acme.example.net"), 2), 1);
    cache.get(ACME_HOST).join();
    assertEquals(2, source.calls(ACME_HOST));
    assertTrue(cache.get(ACME_HOST).join().cacheable(), "another tenant's view is not below acme's fence");
  }

  @Test
  void invalidate_otherConsumer_keepsEntry() {
    source.put(ACME, found("acme", 5, 1));
    cache.get(ACME).join();
    cache.invalidate(new Invalidation("acme", "network-ingress", List.of(), 9), 1);
    cache.get(ACME).join();
    assertEquals(1, source.calls(ACME));
  }

  @Test
  void flush_dropsEverything() {
    source.put(ACME, found("acme", 5, 1));
    cache.get(ACME).join();
    cache.flush();
    cache.get(ACME).join();
    assertEquals(2, source.calls(ACME));
  }

  private static StoredView found(String tenant, long version, long revision) {
    return new StoredView(tenant, new Stamp(version, revision), false, "{\"v\":" + version + "}");
  }

  private static Invalidation invalidation(String tenant, long version) {
    return new Invalidation(tenant, "jira", List.of(), version);
  }

  static final class FakeTicker implements Ticker {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Override
    public long read() {
      return nanos.get();
    }

    void advance(Duration duration) {
      nanos.addAndGet(duration.toNanos());
    }
  }

  /** A table in memory: eventual and consistent reads can disagree; a read can be held pending. */
  static final class FakeSource implements ViewSource {
    private final Map<ReadKey, StoredView> eventual = new HashMap<>();
    private final Map<ReadKey, StoredView> consistent = new HashMap<>();
    private final Map<ReadKey, Throwable> failures = new HashMap<>();
    private final Map<ReadKey, Deque<CompletableFuture<StoredView>>> pending = new HashMap<>();
    private final Map<ReadKey, List<Boolean>> reads = new HashMap<>();

    synchronized void put(ReadKey key, StoredView view) {
      failures.remove(key);
      eventual.put(key, view);
      consistent.put(key, view);
    }

    synchronized void putConsistent(ReadKey key, StoredView view) {
      consistent.put(key, view);
    }

    synchronized void fail(ReadKey key, Throwable failure) {
      failures.put(key, failure);
    }

    synchronized void next(ReadKey key, CompletableFuture<StoredView> read) {
      pending.computeIfAbsent(key, k -> new ArrayDeque<>()).add(read);
    }

    synchronized int calls(ReadKey key) {
      return reads.getOrDefault(key, List.of()).size();
    }

    synchronized List<Boolean> consistency(ReadKey key) {
      return List.copyOf(reads.getOrDefault(key, List.of()));
    }

    @Override
    public synchronized CompletableFuture<StoredView> find(ReadKey key, boolean consistentRead) {
      reads.computeIfAbsent(key, k -> new ArrayList<>()).add(consistentRead);
      Deque<CompletableFuture<StoredView>> held = pending.get(key);
      if (held != null && !held.isEmpty()) {
        return held.poll();
      }
      if (failures.containsKey(key)) {
        return CompletableFuture.failedFuture(failures.get(key));
      }
      Map<ReadKey, StoredView> table = consistentRead ? consistent : eventual;
      return CompletableFuture.completedFuture(table.getOrDefault(key, StoredView.ABSENT));
    }
  }
}
