package dev.tcs.sidecar;

import com.github.benmanes.caffeine.cache.Ticker;
import com.hazelcast.core.HazelcastInstance;
import dev.tcs.core.auth.Principal;
import dev.tcs.core.auth.Tokens;
import dev.tcs.core.config.ConfigException;
import dev.tcs.core.http.HttpServers;
import dev.tcs.core.http.OpsRoutes;
import dev.tcs.core.http.Tls;
import dev.tcs.sidecar.cache.CachingReader;
import dev.tcs.sidecar.cache.ConsumerGrants;
import dev.tcs.sidecar.cache.InvalidationRefresh;
import dev.tcs.sidecar.cache.ViewCache;
import dev.tcs.sidecar.http.ReadRoutes;
import dev.tcs.sidecar.http.ReadVerticle;
import dev.tcs.sidecar.invalidation.InvalidationSubscription;
import dev.tcs.sidecar.lane.HedgedFetcher;
import dev.tcs.sidecar.lane.LaneLimit;
import dev.tcs.sidecar.lane.RegionLane;
import dev.tcs.sidecar.prefetch.PrefetchSettings;
import dev.tcs.sidecar.prefetch.Prefetcher;
import dev.tcs.sidecar.snapshot.CacheSnapshots;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ForkJoinPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sidecar: deploys one {@link RegionLane} per configured region (child verticles, each on
 * its own event-loop context), subscribes to the home region's invalidations, and serves the read
 * API on localhost (h2c and HTTP/1.1 on one port) from one {@link ReadVerticle} per core, all
 * sharing one cache and one hedged fetcher.
 *
 * <p>Consumes application reads, region answers and invalidation messages; produces read answers
 * and the sidecar's meters. Blocking Hazelcast calls run on a worker; nothing blocks the event
 * loop. Undeploying it undeploys the lanes and unsubscribes. With {@code sidecar.snapshot} it
 * restores its cache from the encrypted snapshot before serving, and writes one periodically and at
 * stop ({@link CacheSnapshots}, on a worker). With {@code sidecar.prefetch} it checks the prefetch
 * token at start (a reader token that verifies, or start fails naming the key), and once it serves
 * reads loads the listed tenants in the background ({@link Prefetcher}).
 */
final class SidecarVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(SidecarVerticle.class);
  /** Read verticles: one per core, as a region deploys them (DESIGN.md: reads on every event loop). */
  static final int READ_INSTANCES = Math.max(1, Runtime.getRuntime().availableProcessors());

  private final SidecarConfig config;
  private final HazelcastInstance homeRegionClient;
  private final Tokens tokens;
  private final PrometheusMeterRegistry registry;
  private final Ticker ticker;
  private final Clock clock;
  private final SidecarMetrics metrics;
  private final Map<String, RegionLane> lanes = new LinkedHashMap<>();
  private ViewCache cache;
  private InvalidationSubscription invalidations;
  private CacheSnapshots snapshots;
  private final List<ReadVerticle> readers = new CopyOnWriteArrayList<>();
  private CachingReader reader;
  private ConsumerGrants grants;
  private String prefetchConsumer;
  private Principal prefetchPrincipal;
  private Prefetcher prefetcher;

  SidecarVerticle(SidecarConfig config, HazelcastInstance homeRegionClient, Tokens tokens, PrometheusMeterRegistry registry, Ticker ticker, Clock clock) {
    this.config = config;
    this.homeRegionClient = homeRegionClient;
    this.tokens = tokens;
    this.registry = registry;
    this.ticker = ticker;
    this.clock = clock;
    this.metrics = new SidecarMetrics(registry);
  }

  @Override
  public Future<?> start() {
    cache = new ViewCache(config.cache(), ticker, ForkJoinPool.commonPool(), metrics);
    return verifyPrefetchToken()
        .compose(v -> restoreSnapshot())
        .compose(v -> Future.all(deployLanes(), subscribeToInvalidations()))
        .compose(v -> serveReads())
        .onSuccess(v -> keepSnapshots())
        .onSuccess(v -> startPrefetch());
  }

  @Override
  public Future<?> stop() {
    if (prefetcher != null) {
      prefetcher.stop();
    }
    Future<Void> unsubscribed = invalidations == null ? Future.succeededFuture() : invalidations.stop();
    return unsubscribed.eventually(this::writeLastSnapshot).eventually(() -> {
      metrics.close();
      return Future.succeededFuture();
    });
  }

  /** With {@code sidecar.prefetch}: its token must verify with the reader role; its subject is the consumer prefetched for. */
  private Future<?> verifyPrefetchToken() {
    if (config.prefetch().isEmpty()) {
      return Future.succeededFuture();
    }
    PrefetchSettings settings = config.prefetch().get();
    return tokens
        .authenticate(settings.authorization())
        .recover(e -> Future.failedFuture(new ConfigException(settings.tokenKey() + " must hold a token that verifies, but it did not: " + e.getMessage())))
        .compose(principal -> {
          if (!principal.has(Principal.READER)) {
            return Future.failedFuture(new ConfigException(
                settings.tokenKey() + " must hold a token with the " + Principal.READER + " role, but its roles were " + principal.roles()));
          }
          prefetchConsumer = principal.subject();
          prefetchPrincipal = principal;
          return Future.succeededFuture();
        });
  }

  /** Loads the configured tenants in the background, through the read path's miss path; start does not wait for it. */
  private void startPrefetch() {
    config.prefetch().ifPresent(settings -> {
      prefetcher = new Prefetcher(reader, grants, metrics, settings, prefetchConsumer);
      prefetcher.run(context).onFailure(e -> log.error("prefetch failed reason={}", e.toString()));
    });
  }

  /** With {@code sidecar.snapshot}: the cache starts with what the last run held (stale until revalidated). */
  private Future<?> restoreSnapshot() {
    snapshots = config.snapshot().map(settings -> new CacheSnapshots(vertx, settings, cache, clock)).orElse(null);
    return snapshots == null ? Future.succeededFuture() : snapshots.restore();
  }

  private void keepSnapshots() {
    if (snapshots != null) {
      snapshots.start();
    }
  }

  private Future<Void> writeLastSnapshot() {
    return snapshots == null ? Future.succeededFuture() : snapshots.stop();
  }

  private Future<?> deployLanes() {
    List<Future<String>> deployed = new ArrayList<>();
    config.regions().forEach((region, url) -> {
      RegionLane lane = new RegionLane(region, url, config.requestTimeout(), laneLimit(region), metrics, config.regionTls());
      lanes.put(region, lane);
      deployed.add(vertx.deployVerticle(lane));
    });
    return Future.all(deployed);
  }

  private LaneLimit laneLimit(String region) {
    return Routing.laneLimit(config, region, metrics);
  }

  private Future<?> subscribeToInvalidations() {
    invalidations = new InvalidationSubscription(vertx, homeRegionClient, cache, metrics, config.invalidationKey());
    return invalidations.start();
  }

  /**
   * RST_STREAM frames the application may send on one connection in 30 s before the sidecar closes
   * it (Netty's rapid-reset guard; 200 by default). An application gives up a read by resetting
   * its stream: with tight timeouts, one slow spell (a GC pause, a loaded core) resets hundreds,
   * and closing the connection then fails every read on it, the fast ones too. The sidecar's
   * client is its own application, on localhost.
   */
  static final int APP_RESETS_PER_30S = 20_000;

  /** One read verticle per event-loop core ({@link #READ_INSTANCES}), sharing one cache and one fetcher. */
  private Future<?> serveReads() {
    HedgedFetcher fetcher = new HedgedFetcher(Routing.picker(config, lanes, metrics), metrics);
    grants = new ConsumerGrants(ticker, ConsumerGrants.RECHECK_AFTER, cache::dropConsumer);
    reader = new CachingReader(cache, fetcher);
    InvalidationRefresh refresh = refreshInvalidated();
    ReadRoutes routes = new ReadRoutes(tokens, reader, metrics, grants, refresh == null ? (principal, authorization) -> {} : refresh::remember);
    List<OpsRoutes.Check> readiness = readinessChecks();
    HttpServerOptions options =
        Tls.apply(HttpServers.options(config.http().host(), config.http().port()), config.httpTls())
            .setHttp2RstFloodMaxRstFramePerWindow(APP_RESETS_PER_30S);
    return vertx
        .deployVerticle(
            () -> {
              ReadVerticle reader = new ReadVerticle(options, routes, registry, readiness);
              readers.add(reader);
              return reader;
            },
            new DeploymentOptions().setInstances(READ_INSTANCES))
        .onSuccess(
            id ->
                log.info(
                    "sidecar listening host={} port={} readInstances={} primary={} regions={} requestTimeoutMs={}",
                    config.http().host(), actualPort(), READ_INSTANCES, config.primary(), config.regions().keySet(), config.requestTimeout().toMillis()));
  }

  /** With {@code sidecar.cache.refresh-invalidated}: keys an invalidation drops are loaded again at once; else null. */
  private InvalidationRefresh refreshInvalidated() {
    if (!config.cache().refreshInvalidated()) {
      return null;
    }
    InvalidationRefresh refresh = new InvalidationRefresh(context, reader, grants, tokens, metrics, config.cache().refreshConcurrency());
    if (prefetchPrincipal != null) {
      refresh.remember(prefetchPrincipal, config.prefetch().orElseThrow().authorization());
    }
    cache.onInvalidated(refresh);
    return refresh;
  }

  private List<OpsRoutes.Check> readinessChecks() {
    return List.of(
        new OpsRoutes.Check(
            "invalidations",
            () -> invalidations.isListening()
                ? Future.succeededFuture()
                : Future.failedFuture("not subscribed to the home region's invalidations")));
  }

  /** The port the read API listens on (after start). */
  int actualPort() {
    return readers.isEmpty() ? -1 : readers.get(0).actualPort();
  }
}
