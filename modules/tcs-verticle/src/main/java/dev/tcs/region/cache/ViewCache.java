package dev.tcs.region.cache;

import com.github.benmanes.caffeine.cache.AsyncCacheLoader;
import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.tcs.core.dynamo.Async;
import dev.tcs.core.model.Invalidation;
import dev.tcs.core.read.InvalidationMessage;
import dev.tcs.core.read.ReadKey;
import dev.tcs.core.read.Stamp;
import dev.tcs.region.store.StoredView;
import dev.tcs.region.store.ViewSource;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The region's L1 cache of views: a Caffeine {@link AsyncLoadingCache} over a {@link ViewSource}
 * (the region's table), shared by every read verticle of the region and thread-safe.
 *
 * <p>A load starts the store's read on the thread that asked (the read is asynchronous: the
 * store's future is returned at once, DESIGN.md "SDK calls are async") and completes on the store
 * client's threads; the executor runs Caffeine's maintenance only. Starting the read there saves
 * a miss one hand-off to a pool thread and back (a wake-up that took 0.1 ms at the median and
 * several ms at the 99th percentile on a loaded machine). A store failure is answered to the reads that waited for that load
 * and never kept; a refresh that fails keeps the old value, so a region whose table is
 * unreachable goes on serving what it has. Found views are kept for {@code expireAfterWrite},
 * "not found" for {@code negativeTtl}; after {@code refreshAfterWrite} the next read reloads an
 * entry in the background.
 *
 * <p>Invalidation rules (DESIGN.md): an entry is dropped only if the message is newer than it
 * (an older or equal message is ignored), and a load that started before a message never stores
 * an older value after it. The second rule holds twice over: a message removes any load still in
 * flight for its keys (Caffeine then discards the load's result), and every message leaves a
 * per-key fence, the highest version invalidated, kept for {@link #FENCE_RETENTION}; a load
 * below its fence is read again, consistently, and if still below, served to its waiting reads
 * but not kept.
 */
public final class ViewCache {
  /** How long the highest invalidated version of a key is remembered. */
  public static final Duration FENCE_RETENTION = Duration.ofMinutes(1);

  private final ViewSource source;
  private final AsyncLoadingCache<ReadKey, CachedView> cache;
  private final Cache<ReadKey, Fence> fences;

  /**
   * @param source where views are loaded from; {@link ViewSource#find} must not block (it may be
   *     called on an event loop) and its futures must not either
   * @param executor runs Caffeine's maintenance; must not be an event loop
   * @param ticker the time source of expiry and refresh ({@link Ticker#systemTicker()} outside tests)
   */
  public ViewCache(ViewSource source, CacheSettings settings, Executor executor, Ticker ticker) {
    this.source = source;
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(settings.maximumSize())
            .executor(executor)
            .ticker(ticker)
            .expireAfter(Expiry.writing((ReadKey key, CachedView view) -> lifetime(view, settings)))
            .refreshAfterWrite(settings.refreshAfterWrite())
            .buildAsync(new Loader());
    this.fences =
        Caffeine.newBuilder()
            .maximumSize(settings.maximumSize())
            .executor(executor)
            .ticker(ticker)
            .expireAfterWrite(FENCE_RETENTION)
            .build();
  }

  /**
   * The view under {@code key}: already complete on a hit, else completing when the store answers
   * (on a store thread). Never completes exceptionally: a store failure is a {@link CachedView#failed()} value.
   */
  public CompletableFuture<CachedView> get(ReadKey key) {
    return cache.get(key);
  }

  /**
   * The view under {@code key} when it is loaded and found: the read fast path's lookup. Starts no
   * load (a refresh-ahead when the entry is past {@code refresh-after-write}, as any read); null
   * on a miss, a load in flight, a 404 or a failure.
   */
  public CachedView cachedValue(ReadKey key) {
    CompletableFuture<CachedView> entry = cache.getIfPresent(key);
    if (entry == null || !entry.isDone() || entry.isCompletedExceptionally()) {
      return null;
    }
    CachedView view = entry.join();
    return view.found() ? view : null;
  }

  /**
   * Applies an invalidation of {@code (tenant, consumer)}: entries of its tenant key and host keys
   * older than its {@link Stamp} are dropped, newer or equal ones kept (the {@link Stamp#olderThan}
   * rule: without a revision, an entry of the same version is not older, so it stays).
   */
  public void invalidate(InvalidationMessage message) {
    Invalidation invalidation = message.invalidation();
    Stamp stamp = message.stamp();
    drop(ReadKey.tenant(invalidation.tenantId(), invalidation.consumer()), invalidation.tenantId(), stamp);
    for (String host : invalidation.keys()) {
      drop(ReadKey.host(host, invalidation.consumer()), invalidation.tenantId(), stamp);
    }
  }

  /** As {@link #invalidate(InvalidationMessage)}, for {@code message} at definitions {@code revision}. */
  public void invalidate(Invalidation message, long revision) {
    invalidate(new InvalidationMessage(message, revision));
  }

  /** As {@link #invalidate(InvalidationMessage)}, for a message that carries no definitions revision. */
  public void invalidate(Invalidation message) {
    invalidate(message, Stamp.UNKNOWN_REVISION);
  }

  /** Drops every entry and every load in flight (after a gap in the invalidation stream). */
  public void flush() {
    cache.asMap().clear();
  }

  /** Entries held, estimated. */
  public long estimatedSize() {
    return cache.synchronous().estimatedSize();
  }

  /** Fence first, then drop: a load that slips in between is removed as in flight. */
  private void drop(ReadKey key, String tenantId, Stamp stamp) {
    fences.asMap().merge(key, new Fence(tenantId, stamp), Fence::later);
    cache.asMap().computeIfPresent(key, (k, entry) -> isCurrent(entry, tenantId, stamp) ? entry : null);
  }

  private static boolean isCurrent(CompletableFuture<CachedView> entry, String tenantId, Stamp dropBelow) {
    if (!entry.isDone() || entry.isCompletedExceptionally()) {
      return false;
    }
    return !entry.join().supersededBy(tenantId, dropBelow);
  }

  private static Duration lifetime(CachedView view, CacheSettings settings) {
    if (!view.cacheable()) {
      return Duration.ZERO;
    }
    return view.found() ? settings.expireAfterWrite() : settings.negativeTtl();
  }

  private CompletableFuture<CachedView> load(ReadKey key) {
    return find(key)
        .thenCompose(stored -> checkFence(key, stored))
        .exceptionally(failure -> CachedView.failure(Async.unwrap(failure)));
  }

  /** The store's eventually consistent read, started on this thread; a read that throws instead of failing its future fails the load. */
  private CompletableFuture<StoredView> find(ReadKey key) {
    try {
      return source.find(key, false);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** A value below the key's fence came from a lagging read: read again, consistently; if still below, do not keep it. */
  private CompletableFuture<CachedView> checkFence(ReadKey key, StoredView stored) {
    CachedView view = CachedView.of(stored);
    if (!belowFence(key, view)) {
      return CompletableFuture.completedFuture(view);
    }
    return source
        .find(key, true)
        .thenApply(
            again -> {
              CachedView consistent = CachedView.of(again);
              return belowFence(key, consistent) ? consistent.uncacheable() : consistent;
            });
  }

  private boolean belowFence(ReadKey key, CachedView view) {
    Fence fence = fences.getIfPresent(key);
    return fence != null && fence.isAbove(view);
  }

  /** A refresh never replaces a value with a failure, an unkeepable value or an older view of the same tenant. */
  private static CachedView newer(CachedView old, CachedView fresh) {
    if (fresh.failed() || !fresh.cacheable()) {
      return old;
    }
    if (old.tenantId() != null && old.tenantId().equals(fresh.tenantId()) && fresh.version().olderThan(old.version())) {
      return old;
    }
    return fresh;
  }

  /** The highest invalidated version of a key, and the tenant it was for. */
  private record Fence(String tenantId, Stamp version) {
    /** A view is below the fence if it is older and belongs to the fence's tenant or to none. */
    boolean isAbove(CachedView view) {
      return (view.tenantId() == null || view.tenantId().equals(tenantId)) && view.version().olderThan(version);
    }

    /** The same tenant's higher fence; a message for another tenant (a host moved) replaces it. */
    Fence later(Fence other) {
      return tenantId.equals(other.tenantId) && version.newerThan(other.version) ? this : other;
    }
  }

  private final class Loader implements AsyncCacheLoader<ReadKey, CachedView> {
    @Override
    public CompletableFuture<CachedView> asyncLoad(ReadKey key, Executor executor) {
      return load(key);
    }

    @Override
    public CompletableFuture<CachedView> asyncReload(ReadKey key, CachedView old, Executor executor) {
      return load(key).thenApply(fresh -> newer(old, fresh));
    }
  }
}
