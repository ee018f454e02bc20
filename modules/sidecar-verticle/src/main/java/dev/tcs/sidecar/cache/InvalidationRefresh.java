package dev.tcs.sidecar.cache;

import dev.tcs.core.auth.Principal;
import dev.tcs.core.auth.Tokens;
import dev.tcs.core.http.RequestIds;
import dev.tcs.core.read.ReadApi;
import dev.tcs.core.read.ReadKey;
import dev.tcs.sidecar.SidecarMetrics;
import dev.tcs.sidecar.SidecarMetrics.Read;
import dev.tcs.sidecar.SidecarMetrics.Refresh;
import dev.tcs.sidecar.lane.RegionRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loads the new version of a key an invalidation just dropped ({@link ViewCache#onInvalidated}),
 * in the background, so the application's next read of it is a hit. Without it every write to a
 * tenant costs each sidecar holding it at least one miss, which bounds the hit ratio by the
 * write rate (writes at 1 % of reads: 99 % at best).
 *
 * <p>It asks with the newest reader token the key's consumer presented to this sidecar (one that
 * verified), and only while that token has not expired ({@link Tokens#isUnexpired}); a consumer
 * with none keeps the drop-only behaviour. The load is the read path's own miss
 * ({@link CachingReader#load}: single flight with application reads, hedged, judged by the version
 * rules, so a region that has not ingested the new version yet cannot answer for it). A key is
 * loaded once a fresh entry is stored for it; when no region answered the new version (none
 * answered, or only older ones), it is tried again after each of {@link #RETRY_DELAYS_MS}. At
 * most {@code concurrency} keys are refreshed at once; beyond that a dropped key stays dropped.
 * Each key is counted once in {@code tcs.sidecar.refresh{outcome}}, never in the read counters.
 *
 * <p>While it runs, a tenant key's superseded value still answers, for at most {@code
 * sidecar.cache.refresh-grace} ({@link ViewCache#onInvalidated}).
 *
 * <p>{@link #reserve}, {@link #start} and {@link #remember} are safe on any thread (invalidations arrive on
 * Hazelcast's); the loads run on {@code context}. Never blocks.
 */
public final class InvalidationRefresh implements ViewCache.Refresher {
  /** Pauses before the second and third attempts of a key no region answered for. */
  static final long[] RETRY_DELAYS_MS = {250, 1_000};

  private final Context context;
  private final CachingReader reader;
  private final ConsumerGrants grants;
  private final Tokens tokens;
  private final SidecarMetrics metrics;
  private final int concurrency;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final ConcurrentHashMap<String, Reader> readerOf = new ConcurrentHashMap<>();

  /** A consumer's bearer {@code Authorization} value and what its token verified to. */
  private record Reader(String authorization, Principal principal) {}

  /**
   * @param context where the loads run (the sidecar verticle's)
   * @param concurrency most keys refreshed at once
   */
  public InvalidationRefresh(Context context, CachingReader reader, ConsumerGrants grants, Tokens tokens, SidecarMetrics metrics, int concurrency) {
    this.context = context;
    this.reader = reader;
    this.grants = grants;
    this.tokens = tokens;
    this.metrics = metrics;
    this.concurrency = concurrency;
  }

  /**
   * Records the bearer {@code Authorization} value of a read whose token verified to
   * {@code principal} with the reader role, as the one to refresh {@code principal}'s keys with;
   * the newest one presented wins.
   */
  public void remember(Principal principal, String authorization) {
    Reader known = readerOf.get(principal.subject());
    if (principal.has(Principal.READER) && authorization != null && (known == null || !authorization.equals(known.authorization()))) {
      readerOf.put(principal.subject(), new Reader(authorization, principal));
    }
  }

  /** The consumer's remembered bearer value while its token is unexpired, else null. */
  private String authorizationOf(String consumer) {
    Reader reader = readerOf.get(consumer);
    return reader != null && tokens.isUnexpired(reader.principal()) ? reader.authorization() : null;
  }

  /**
   * True when a refresh of {@code key} will start: its consumer has a token that still verifies,
   * and a slot is free (taken now). Counts the refusal otherwise. Any thread; never blocks.
   */
  @Override
  public boolean reserve(ReadKey key) {
    if (authorizationOf(key.consumer()) == null) {
      metrics.refreshed(Refresh.NO_TOKEN);
      return false;
    }
    if (inFlight.incrementAndGet() > concurrency) {
      inFlight.decrementAndGet();
      metrics.refreshed(Refresh.SHED);
      return false;
    }
    return true;
  }

  /** Starts the refresh {@link #reserve} took a slot for, on the context. Any thread. */
  @Override
  public void start(ReadKey key) {
    context.runOnContext(v -> attempt(key, 0));
  }

  /** Keys being refreshed now (tests). */
  public int inFlight() {
    return inFlight.get();
  }

  private void attempt(ReadKey key, int retries) {
    String authorization = authorizationOf(key.consumer());
    if (authorization == null) {
      reader.endGrace(key);
      finish(Refresh.NO_TOKEN); // expired since
      return;
    }
    Future<Served> served;
    try {
      served = Future.fromCompletionStage(reader.load(key, request(key, authorization), true), context);
    } catch (RuntimeException e) {
      served = Future.failedFuture(e);
    }
    served.onComplete(done -> {
      Served answer = done.succeeded() ? done.result() : null;
      if (answer != null && answer.outcome() == Read.HIT) {
        finish(Refresh.CACHED); // an application read loaded it first
        return;
      }
      if (answer != null && answer.outcome() == Read.MISS) {
        grants.observe(key.consumer(), answer.answer().status());
        if (reader.holdsCurrent(key)) {
          finish(Refresh.LOADED);
          return;
        }
        if (!answer.answer().isSuccess()) {
          reader.endGrace(key);
          finish(Refresh.FAILED); // 401, 403: asking again will not change it
          return;
        }
        // else answered but not stored: the regions are still behind the invalidation
      }
      reader.endGrace(key); // meanwhile readers ask the regions themselves, not the superseded value
      if (retries < RETRY_DELAYS_MS.length) {
        context.owner().setTimer(RETRY_DELAYS_MS[retries], id -> attempt(key, retries + 1));
      } else {
        finish(Refresh.FAILED);
      }
    });
  }

  private void finish(Refresh outcome) {
    inFlight.decrementAndGet();
    metrics.refreshed(outcome);
  }

  private static RegionRequest request(ReadKey key, String authorization) {
    return key.kind() == ReadKey.Kind.TENANT
        ? new RegionRequest(ReadApi.tenantPath(key.id()), key.id(), authorization, RequestIds.next())
        : new RegionRequest(ReadApi.hostPath(key.id()), null, authorization, RequestIds.next());
  }
}
