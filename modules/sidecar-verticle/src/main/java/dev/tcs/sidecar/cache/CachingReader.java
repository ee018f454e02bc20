package dev.tcs.sidecar.cache;

import dev.tcs.core.http.HttpProblem;
import dev.tcs.core.read.ReadKey;
import dev.tcs.sidecar.SidecarMetrics.Read;
import dev.tcs.sidecar.lane.HedgedFetcher;
import dev.tcs.sidecar.lane.RegionAnswer;
import dev.tcs.sidecar.lane.RegionRequest;
import io.vertx.core.Future;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Reads through the {@link ViewCache}: a fresh entry answers at once; otherwise one hedged fetch
 * per key runs at a time (single flight: concurrent readers of a key share it), its answer is
 * judged by the version rules, and when no region answers a value kept past its ttl answers
 * instead. Only when there is none does the read fail, with a 503 {@link HttpProblem}. A hit in
 * the last quarter of its ttl starts one background refresh ({@link #refreshAhead}).
 *
 * <p>{@link #load} must be called on a Vert.x context: the lanes answer there. The returned
 * futures may be completed on another event loop, so callers bridge them back onto their own
 * context. Never blocks.
 */
public final class CachingReader {
  private final ViewCache cache;
  private final HedgedFetcher fetcher;
  private final ConcurrentHashMap<ReadKey, CompletableFuture<Served>> loads = new ConcurrentHashMap<>();

  public CachingReader(ViewCache cache, HedgedFetcher fetcher) {
    this.cache = cache;
    this.fetcher = fetcher;
  }

  /** The fresh cached answer for {@code key}, or null: the fast path, no I/O. */
  public RegionAnswer cached(ReadKey key) {
    return cache.fresh(key);
  }

  /** True when {@code key} holds what a region answered, fresh and not superseded ({@link ViewCache#holdsCurrent}). */
  public boolean holdsCurrent(ReadKey key) {
    return cache.holdsCurrent(key);
  }

  /** Ends the refresh grace of {@code key}'s superseded value ({@link ViewCache#endGrace}). */
  public void endGrace(ReadKey key) {
    cache.endGrace(key);
  }

  /** The fresh cached value for {@code key}, ready to write, or null: the read fast path. */
  public Hit cachedHit(ReadKey key) {
    return cache.freshHit(key);
  }

  /**
   * Starts a refresh-ahead of {@code hit} (just answered for {@code key}) when it is due and no
   * other reader started it: a background load whose answer goes through the version rules like
   * any other. Call on a Vert.x context.
   *
   * @param request what to ask the regions, built only when the refresh starts
   * @return true when a refresh started
   */
  public boolean refreshAhead(ReadKey key, Hit hit, Supplier<RegionRequest> request) {
    if (!cache.claimRefresh(hit) || loads.containsKey(key)) {
      return false;
    }
    CompletableFuture<Served> mine = new CompletableFuture<>();
    if (loads.putIfAbsent(key, mine) != null) {
      return false;
    }
    fetchInto(key, request.get(), mine);
    return true;
  }

  /**
   * Loads {@code key} from the regions, or joins the load already running for it.
   *
   * @return what to answer; fails with a 503 {@link HttpProblem} when no region answered and no
   *     value is kept
   */
  public CompletableFuture<Served> load(ReadKey key, RegionRequest request) {
    return load(key, request, false);
  }

  /**
   * As {@link #load(ReadKey, RegionRequest)}; with {@code revalidate} a fresh entry does not
   * answer: the regions are asked (whether the consumer still has a view, {@link ConsumerGrants}).
   */
  public CompletableFuture<Served> load(ReadKey key, RegionRequest request, boolean revalidate) {
    CompletableFuture<Served> mine = new CompletableFuture<>();
    CompletableFuture<Served> running = loads.putIfAbsent(key, mine);
    if (running != null) {
      return running;
    }
    RegionAnswer fresh = revalidate ? null : cache.fresh(key); // a load may have stored it since the caller looked
    if (fresh != null) {
      loads.remove(key, mine);
      mine.complete(new Served(fresh, Read.HIT));
      return mine;
    }
    fetchInto(key, request, mine);
    return mine;
  }

  /** Fetches {@code key} and completes {@code mine} (registered in {@link #loads}) with what to answer. */
  private void fetchInto(ReadKey key, RegionRequest request, CompletableFuture<Served> mine) {
    cache.noteConsumer(key.consumer());
    long epoch = cache.epoch();
    Future<RegionAnswer> fetched;
    try {
      fetched = fetcher.fetch(request, answer -> !cache.isBehind(key, answer));
    } catch (RuntimeException e) {
      fetched = Future.failedFuture(e); // never leave the key marked as loading
    }
    fetched
        .onComplete(
            done -> {
              loads.remove(key, mine);
              try {
                mine.complete(done.succeeded() ? settle(key, done.result(), epoch) : fallBack(key, done.cause().getMessage()));
              } catch (RuntimeException e) {
                mine.completeExceptionally(e);
              }
            });
  }

  /** How long ago a region answered the value held for {@code key}, or -1 (the {@code Age} of a stale answer). */
  public long ageNanos(ReadKey key) {
    return cache.ageNanos(key);
  }

  /** Loads in flight (tests, metrics). */
  public int loading() {
    return loads.size();
  }

  private Served settle(ReadKey key, RegionAnswer answer, long epoch) {
    Served served = cache.settle(key, answer, epoch);
    return served != null
        ? served
        : fallBack(key, "the regions answered an older version than this sidecar already served");
  }

  private Served fallBack(ReadKey key, String reason) {
    RegionAnswer stale = cache.stale(key);
    if (stale != null) {
      return new Served(stale, Read.STALE);
    }
    throw HttpProblem.unavailable(reason);
  }
}
