package dev.tcs.sidecar.prefetch;

import dev.tcs.core.http.RequestIds;
import dev.tcs.core.read.ReadApi;
import dev.tcs.core.read.ReadKey;
import dev.tcs.sidecar.SidecarMetrics;
import dev.tcs.sidecar.SidecarMetrics.Prefetch;
import dev.tcs.sidecar.SidecarMetrics.Read;
import dev.tcs.sidecar.cache.CachingReader;
import dev.tcs.sidecar.cache.ConsumerGrants;
import dev.tcs.sidecar.cache.Served;
import dev.tcs.sidecar.lane.RegionRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the configured tenants' views for one consumer into the sidecar's cache at start, through
 * the read path's own miss path ({@link CachingReader#load}: single flight with application reads,
 * hedged over two regions, judged by the version rules), {@code concurrency} at a time.
 *
 * <p>Runs in the background on the context that calls {@link #run}: the sidecar serves reads
 * meanwhile, and an application read of a tenant being prefetched joins that load. Each tenant is
 * counted in {@code tcs.sidecar.prefetch{outcome}}, never in the read counters. A region's answer
 * also confirms (or, with a 403, revokes) the consumer, as an application read's would
 * ({@link ConsumerGrants}). A tenant no region answered for is tried again, twice at most. Never
 * blocks; {@link #stop} ends it after the loads in flight.
 */
public final class Prefetcher {
  private static final Logger log = LoggerFactory.getLogger(Prefetcher.class);
  /** Passes over the tenants no region answered for: the first, and two more. */
  static final int PASSES = 3;
  /** The pause before pass n+1 is n times this. */
  static final long RETRY_DELAY_MS = 1000;

  private final CachingReader reader;
  private final ConsumerGrants grants;
  private final SidecarMetrics metrics;
  private final PrefetchSettings settings;
  private final String consumer;
  private final Map<Prefetch, Integer> outcomes = new EnumMap<>(Prefetch.class);
  private volatile boolean stopped;

  /**
   * @param consumer the subject of the settings' token, which verified with the reader role
   */
  public Prefetcher(CachingReader reader, ConsumerGrants grants, SidecarMetrics metrics, PrefetchSettings settings, String consumer) {
    this.reader = reader;
    this.grants = grants;
    this.metrics = metrics;
    this.settings = settings;
    this.consumer = consumer;
  }

  /**
   * Starts the loads on {@code context}; the future completes with the count per outcome once every
   * tenant was tried. A tenant no region answered for (a timeout, a full lane) is tried again in a
   * later pass, after {@link #RETRY_DELAY_MS} times the pass number, {@link #PASSES} passes in all;
   * only its last outcome is counted.
   */
  public Future<Map<Prefetch, Integer>> run(Context context) {
    Promise<Map<Prefetch, Integer>> done = Promise.promise();
    long start = System.nanoTime();
    context.runOnContext(v -> {
      log.info("prefetch started consumer={} tenants={} concurrency={}", consumer, settings.tenants().size(), settings.concurrency());
      pass(context, settings.tenants(), 1, start, done);
    });
    return done.future();
  }

  private void pass(Context context, List<String> tenants, int number, long start, Promise<Map<Prefetch, Integer>> done) {
    Iterator<String> next = tenants.iterator();
    List<String> again = new ArrayList<>();
    int[] running = {0};
    Runnable[] pump = new Runnable[1];
    pump[0] = () -> {
      while (!stopped && running[0] < settings.concurrency() && next.hasNext()) {
        running[0]++;
        String tenant = next.next();
        load(context, tenant).onComplete(outcome -> {
          running[0]--;
          if (outcome.result() == Prefetch.FAILED && number < PASSES && !stopped) {
            again.add(tenant);
          } else {
            count(outcome.result());
          }
          pump[0].run();
        });
      }
      if (running[0] > 0 || (!stopped && next.hasNext())) {
        return;
      }
      if (!again.isEmpty()) {
        long delay = RETRY_DELAY_MS * number;
        log.info("prefetch pass {} left {} tenants unloaded; trying them again in {} ms", number, again.size(), delay);
        context.owner().setTimer(delay, id -> pass(context, again, number + 1, start, done));
      } else if (!done.future().isComplete()) {
        log.info("prefetch done consumer={} tenants={} outcomes={} passes={} stopped={} tookMs={}",
            consumer, settings.tenants().size(), outcomes, number, stopped, (System.nanoTime() - start) / 1_000_000);
        done.complete(Map.copyOf(outcomes));
      }
    };
    pump[0].run();
  }

  private void count(Prefetch outcome) {
    outcomes.merge(outcome, 1, Integer::sum);
    metrics.prefetched(outcome);
  }

  /** No new load starts; those in flight finish. */
  public void stop() {
    stopped = true;
  }

  private Future<Prefetch> load(Context context, String tenantId) {
    ReadKey key = ReadKey.tenant(tenantId, consumer);
    RegionRequest request = new RegionRequest(ReadApi.tenantPath(tenantId), tenantId, settings.authorization(), RequestIds.next());
    Future<Served> served;
    try {
      served = Future.fromCompletionStage(reader.load(key, request), context);
    } catch (RuntimeException e) {
      served = Future.failedFuture(e);
    }
    return served
        .map(this::judge)
        .otherwise(failure -> {
          log.debug("prefetch failed tenant={} reason={}", tenantId, failure.getMessage());
          return Prefetch.FAILED;
        });
  }

  private Prefetch judge(Served served) {
    if (served.outcome() == Read.MISS) {
      grants.observe(consumer, served.answer().status());
    }
    return switch (served.outcome()) {
      case HIT -> Prefetch.CACHED;
      case MISS -> served.answer().isValue() ? Prefetch.LOADED : Prefetch.ABSENT;
      default -> Prefetch.FAILED; // STALE: no region answered, a restored value answered
    };
  }
}
