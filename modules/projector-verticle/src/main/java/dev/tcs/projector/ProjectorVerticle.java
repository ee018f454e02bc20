package dev.tcs.projector;

import dev.tcs.core.http.HttpServers;
import dev.tcs.core.http.Tls;
import dev.tcs.core.http.OpsRoutes;
import dev.tcs.core.http.Routers;
import dev.tcs.core.log.EventLog;
import dev.tcs.core.log.Subscription;
import dev.tcs.core.model.ViewDefinitions;
import dev.tcs.core.retry.Backoff;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live projector: consumes the catalogue events topic as the configured group and appends
 * one view per consumer and event to the views topic ({@link EventProjector}).
 *
 * <p>Start-up does not wait for Kafka: the ops server ({@code /metrics}, {@code /health/live},
 * {@code /health/ready}) comes up at once, and creating the topics and subscribing is retried in
 * the background with a capped backoff until it succeeds. Ready means subscribed.
 *
 * <p>Never blocks its event loop (topic creation runs on a worker inside the event log).
 */
final class ProjectorVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(ProjectorVerticle.class);
  private static final Backoff CONNECT_RETRY = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30));

  private final ProjectorConfig config;
  private final ViewDefinitions definitions;
  private final EventLog eventLog;
  private final PrometheusMeterRegistry registry;
  private final EventProjector projector;
  private final ProjectorMetrics metrics;
  private volatile Subscription subscription;
  private volatile Subscription definitionsSubscription;
  private boolean stopping;
  private long retryTimer = -1;

  ProjectorVerticle(ProjectorConfig config, ViewDefinitions definitions, EventLog eventLog, PrometheusMeterRegistry registry, Clock clock) {
    this.config = config;
    this.definitions = definitions;
    this.eventLog = eventLog;
    this.registry = registry;
    this.metrics = ProjectorMetrics.live(registry);
    this.projector = new EventProjector(definitions, eventLog, config.viewsTopic(), metrics, clock);
  }

  @Override
  public Future<?> start() {
    return Future.all(startOpsServer(), startProjecting());
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(retryTimer);
    Subscription running = subscription;
    Subscription following = definitionsSubscription;
    subscription = null;
    definitionsSubscription = null;
    return Future.join(
            running == null ? Future.succeededFuture() : running.close(),
            following == null ? Future.succeededFuture() : following.close())
        .onComplete(done -> metrics.close())
        .mapEmpty();
  }

  private Future<HttpServer> startOpsServer() {
    Router router = Routers.base(vertx, registry, List.of(new OpsRoutes.Check("events-subscription", this::checkSubscribed)));
    return HttpServers.guarded(vertx
        .createHttpServer(Tls.apply(HttpServers.options(config.httpHost(), config.httpPort()), config.tls())))
        .requestHandler(router)
        .listen()
        .onSuccess(server -> log.info("projector ops server listening host={} port={}", config.httpHost(), server.actualPort()));
  }

  /** Starts connecting in the background; the verticle is up before Kafka is. */
  private Future<Void> startProjecting() {
    log.info(
        "projector starting group={} eventsTopic={} viewsTopic={} consumers={} revision={}",
        config.group(), config.eventsTopic(), config.viewsTopic(), definitions.consumers(), definitions.revision());
    connect(0);
    return Future.succeededFuture();
  }

  private void connect(int attempt) {
    if (stopping) {
      return;
    }
    ProjectorTopics.ensure(eventLog, config)
        .compose(created -> followDefinitions())
        .compose(following -> subscribe())
        .onSuccess(this::keepSubscription)
        .onFailure(failure -> retryConnect(attempt, failure));
  }

  /** Switches to a newer revision of the view definitions when a rebuild publishes one. */
  private Future<Void> followDefinitions() {
    if (definitionsSubscription != null) {
      return Future.succeededFuture();
    }
    return DefinitionsTopic.follow(eventLog, config, this::switchDefinitions)
        .onSuccess(
            following -> {
              if (stopping) {
                following.close();
              } else {
                definitionsSubscription = following;
              }
            })
        .mapEmpty();
  }

  private void switchDefinitions(ViewDefinitions published) {
    long current = projector.definitions().revision();
    if (published.revision() > current) {
      projector.useDefinitions(published);
      log.info("view definitions switched revision={} previous={} consumers={}", published.revision(), current, published.consumers());
    }
  }

  private Future<Subscription> subscribe() {
    return stopping
        ? Future.failedFuture("projector stopped")
        : eventLog.subscribeInBatches(config.eventsTopic(), config.group(), projector);
  }

  private void keepSubscription(Subscription started) {
    if (stopping) {
      started.close();
      return;
    }
    subscription = started;
    log.info("projector subscribed group={} eventsTopic={}", config.group(), config.eventsTopic());
  }

  private void retryConnect(int attempt, Throwable failure) {
    if (stopping) {
      return;
    }
    long delay = CONNECT_RETRY.delayMillis(attempt);
    log.warn(
        "projector cannot subscribe yet, retrying eventsTopic={} attempt={} delayMs={} reason={}",
        config.eventsTopic(), attempt + 1, delay, failure.toString());
    retryTimer = vertx.setTimer(delay, id -> connect(attempt + 1));
  }

  /** The readiness check: subscribed to the events topic. */
  private Future<Void> checkSubscribed() {
    return subscription != null
        ? Future.succeededFuture()
        : Future.failedFuture("not subscribed to " + config.eventsTopic() + " yet");
  }
}
