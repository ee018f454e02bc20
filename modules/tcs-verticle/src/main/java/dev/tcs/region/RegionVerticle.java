package dev.tcs.region;

import com.github.benmanes.caffeine.cache.Ticker;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.ITopic;
import dev.tcs.core.auth.Tokens;
import dev.tcs.core.dynamo.Async;
import dev.tcs.core.http.HttpServers;
import dev.tcs.core.http.OpsRoutes;
import dev.tcs.core.http.Tls;
import dev.tcs.core.log.BatchHandler;
import dev.tcs.core.log.EventLog;
import dev.tcs.core.log.LogRecord;
import dev.tcs.core.log.Subscription;
import dev.tcs.core.model.ValidationException;
import dev.tcs.core.model.ViewDefinitions;
import dev.tcs.core.retry.Backoff;
import dev.tcs.core.security.Hmac;
import dev.tcs.core.security.KnownDefinitions;
import dev.tcs.core.security.SignedDefinitions;
import dev.tcs.core.security.ViewGuard;
import dev.tcs.region.cache.ViewCache;
import dev.tcs.region.chaos.Chaos;
import dev.tcs.region.http.ContextReader;
import dev.tcs.region.http.ReadVerticle;
import dev.tcs.region.ingest.ViewIngester;
import dev.tcs.region.invalidation.InvalidationBroadcaster;
import dev.tcs.region.invalidation.InvalidationListener;
import dev.tcs.region.store.DynamoViewStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.AsyncResult;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * One region: ingests {@code tcs.views} into the region's table, keeps this node's L1 cache in
 * step through the region's Hazelcast invalidation topic, and serves the read API from the cache.
 *
 * <p>Consumes: the views topic (group {@code tcs-ingest-<region>}; only views tagged by the
 * projector, holding no more than their consumer's definition allows), the invalidation topic
 * (only messages sealed with the invalidation key; this node seals what it publishes).
 * Produces: items of table {@code <table-prefix>-<region>}, invalidations on the topic, HTTP
 * answers. The read verticles are children of this one: undeploying it undeploys them.
 *
 * <p>What may block runs elsewhere: Hazelcast listener registration on a worker, publishing on
 * the broadcaster's own thread, cache loads on the region's cache executor.
 */
final class RegionVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(RegionVerticle.class);
  private static final Backoff REJOIN = Backoff.exponential(Duration.ofMillis(500), Duration.ofSeconds(30));

  private final RegionConfig config;
  private final DynamoDbAsyncClient dynamo;
  private final EventLog eventLog;
  private final HazelcastInstance member;
  private final Tokens tokens;
  private final PrometheusMeterRegistry registry;
  private final Clock clock;
  private final Hmac viewKey;
  private final Hmac invalidationKey;
  private final KnownDefinitions definitions;

  private RegionMetrics metrics;
  private ExecutorService cacheExecutor;
  private DynamoViewStore store;
  private ViewCache cache;
  private InvalidationBroadcaster broadcaster;
  private Chaos chaos;
  private volatile ITopic<Object> topic;
  private volatile InvalidationListener listener;
  private volatile UUID listenerId;
  private volatile Subscription subscription;
  private volatile Subscription definitionsSubscription;
  private volatile boolean stopping;

  RegionVerticle(
      RegionConfig config,
      ViewDefinitions views,
      DynamoDbAsyncClient dynamo,
      EventLog eventLog,
      HazelcastInstance member,
      Tokens tokens,
      PrometheusMeterRegistry registry,
      Clock clock) {
    this.config = config;
    this.dynamo = dynamo;
    this.eventLog = eventLog;
    this.member = member;
    this.tokens = tokens;
    this.registry = registry;
    this.clock = clock;
    this.viewKey = config.viewKey();
    this.invalidationKey = config.invalidationKey();
    this.definitions = new KnownDefinitions(views);
  }

  @Override
  public Future<?> start() {
    buildParts();
    return Future.all(store.ensureTable(vertx), joinInvalidationTopic())
        .compose(v -> deployReaders())
        .compose(v -> followDefinitions())
        .compose(v -> subscribeToViews())
        .onSuccess(v -> log.info("region started region={} table={} topic={} group={} http={}:{}",
            config.name(), config.table(), config.viewsTopic(), config.ingestGroup(), config.host(), config.port()))
        .onFailure(e -> stopListening().onComplete(done -> release()));
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    Subscription running = subscription;
    Subscription following = definitionsSubscription;
    Future<Void> unsubscribed = running == null ? Future.succeededFuture() : running.close();
    return unsubscribed
        .eventually(() -> following == null ? Future.succeededFuture() : following.close())
        .eventually(this::stopListening)
        .eventually(
            () -> {
              release();
              log.info("region stopped region={}", config.name());
              return Future.succeededFuture();
            });
  }

  private void buildParts() {
    metrics = new RegionMetrics(registry, config.name());
    chaos = Chaos.of(config.chaos(), config.name(), tokens, metrics);
    cacheExecutor = Executors.newFixedThreadPool(2, daemonThreads("tcs-cache-" + config.name()));
    store = new DynamoViewStore(chaos.dynamo(dynamo), config.table(), clock);
    cache = new ViewCache(store, config.cache(), cacheExecutor, Ticker.systemTicker());
    metrics.gaugeCacheSize(cache::estimatedSize);
    broadcaster =
        new InvalidationBroadcaster(
                config.name(), invalidationKey, this::publish, config.invalidation().queueSize(), config.invalidation().publishTimeout(), metrics)
            .start();
  }

  private void publish(String message, Duration timeout) throws Exception {
    if (chaos.dropInvalidation()) {
      return;
    }
    ITopic<Object> joined = topic;
    if (joined == null) {
      throw new IllegalStateException("not yet joined to the invalidation topic");
    }
    joined.publishAsync(message).toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void release() {
    broadcaster.close();
    cacheExecutor.shutdown();
    metrics.close();
  }

  /** Gets the region's invalidation topic and listens to it; Hazelcast may block doing so, so on a worker. */
  private Future<Void> joinInvalidationTopic() {
    return vertx
        .executeBlocking(
            () -> {
              listener = new InvalidationListener(config.name(), invalidationKey, cache, metrics, this::rejoinInvalidationTopic);
              ITopic<Object> joined = member.getReliableTopic(RegionNames.INVALIDATION_TOPIC);
              topic = joined;
              listenerId = joined.addMessageListener(listener);
              return null;
            },
            false)
        .mapEmpty();
  }

  /** Hazelcast cancelled the listener (its cache is already flushed): listen again, with {@link #REJOIN}'s backoff. */
  private void rejoinInvalidationTopic() {
    context.runOnContext(v -> REJOIN.retry(vertx, Integer.MAX_VALUE, attempt -> stopping
        ? Future.succeededFuture()
        : joinInvalidationTopic().onFailure(e -> log.warn("invalidation topic not joined again, retrying region={} attempt={} reason={}", config.name(), attempt, e.toString())),
        AsyncResult::failed));
  }

  private Future<Void> stopListening() {
    UUID id = listenerId;
    ITopic<Object> joined = topic;
    InvalidationListener current = listener;
    if (current != null) {
      current.close();
    }
    if (id == null || joined == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> joined.removeMessageListener(id), false).mapEmpty();
  }

  private Future<Void> deployReaders() {
    ContextReader reader = new ContextReader(config.name(), cache, tokens, definitions, metrics);
    List<OpsRoutes.Check> readiness =
        List.of(
            new OpsRoutes.Check("table", () -> Async.on(vertx.getOrCreateContext(), store.isActive())
                .compose(active -> active ? Future.succeededFuture() : Future.failedFuture("table " + config.table() + " is not active"))),
            new OpsRoutes.Check("ingest", () -> subscription != null
                ? Future.succeededFuture()
                : Future.failedFuture("not yet subscribed to " + config.viewsTopic())));
    return vertx
        .deployVerticle(
            () -> new ReadVerticle(Tls.apply(HttpServers.options(config.host(), config.port()), config.tls()), reader, registry, readiness, chaos::mount, chaos::gatesReads),
            new DeploymentOptions().setInstances(config.readInstances()))
        .mapEmpty();
  }

  private Future<Void> subscribeToViews() {
    ViewIngester ingester = new ViewIngester(context, config.name(), store, cache, broadcaster, metrics, clock);
    BatchHandler guarded =
        ViewGuard.inFrontOf(
            chaos.ingest(ingester),
            viewKey,
            definitions,
            () -> metrics.ingest(RegionMetrics.Ingest.FORGED),
            () -> metrics.ingest(RegionMetrics.Ingest.OVERREACH),
            config.name());
    return eventLog
        .subscribeInBatches(config.viewsTopic(), config.ingestGroup(), guarded)
        .onSuccess(s -> subscription = s)
        .mapEmpty();
  }

  /**
   * Follows the definitions topic from its start, so the view guard knows every revision a
   * rebuild published (signed with the view key; anything else is logged and skipped).
   */
  private Future<Void> followDefinitions() {
    String definitionsTopic = SignedDefinitions.topic(config.viewsTopic());
    return eventLog
        .ensureTopic(definitionsTopic, 1, true)
        .compose(v -> eventLog.replay(definitionsTopic, config.ingestGroup() + "-definitions", this::definitionsRecord))
        .onSuccess(s -> definitionsSubscription = s)
        .mapEmpty();
  }

  private Future<Void> definitionsRecord(LogRecord record) {
    try {
      ViewDefinitions published = SignedDefinitions.open(viewKey, record.value());
      definitions.add(published);
      log.info("view definitions known region={} revision={} position={}", config.name(), published.revision(), record.position());
    } catch (ValidationException e) {
      log.warn("view definitions record dropped region={} position={} reason={}", config.name(), record.position(), e.getMessage());
    }
    return Future.succeededFuture();
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
