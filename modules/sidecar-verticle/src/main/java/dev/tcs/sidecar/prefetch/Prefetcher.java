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
import java.util.EnumMap;
import java.util.Iterator;
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
 * ({@link ConsumerGrants}). Never blocks; {@link #stop} ends it after the loads in flight.
 */
public final class Prefetcher {
  private static final Logger log = LoggerFactory.getLogger(Prefetcher.class);

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

  /** Starts the loads on {@code context}; the future completes with the count per outcome once every tenant was tried. */
  public Future<Map<Prefetch, Integer>> run(Context context) {
    Promise<Map<Prefetch, Integer>> done = Promise.promise();
    context.runOnContext(v -> {
      long start = System.nanoTime();
      Iterator<String> next = settings.tenants().iterator();
      int[] running = {0};
      Runnable[] pump = new Runnable[1];
      pump[0] = () -> {
        while (!stopped && running[0] < settings.concurrency() && next.hasNext()) {
          running[0]++;
          load(context, next.next()).onComplete(outcome -> {
            running[0]--;
            pump[0].run();
          });
        }
        if (running[0] == 0 && (stopped || !next.hasNext()) && !done.future().isComplete()) {
          log.info("prefetch done consumer={} tenants={} outcomes={} stopped={} tookMs={}",
              consumer, settings.tenants().size(), outcomes, stopped, (System.nanoTime() - start) / 1_000_000);
          done.complete(Map.copyOf(outcomes));
        }
      };
      log.info("prefetch started consumer={} tenants={} concurrency={}", consumer, settings.tenants().size(), settings.concurrency());
      pump[0].run();
    });
    return done.future();
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
        })
        .onSuccess(outcome -> {
          outcomes.merge(outcome, 1, Integer::sum);
          metrics.prefetched(outcome);
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
