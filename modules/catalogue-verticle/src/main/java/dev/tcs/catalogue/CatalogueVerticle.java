package dev.tcs.catalogue;

import dev.tcs.catalogue.command.TenantCommands;
import dev.tcs.catalogue.http.CatalogueRouter;
import dev.tcs.catalogue.outbox.OutboxRelay;
import dev.tcs.catalogue.store.DynamoEventStore;
import dev.tcs.core.auth.Tokens;
import dev.tcs.core.http.HttpServers;
import dev.tcs.core.http.Tls;
import dev.tcs.core.http.OpsRoutes;
import dev.tcs.core.log.EventLog;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * The write side in one verticle: the HTTP command API over the DynamoDB event store, and the
 * outbox relay that publishes committed events to the event log.
 *
 * <p>Consumes HTTP requests from writers; produces event-store items (DynamoDB) and records on
 * the events topic. Start fails only if the event-store table cannot be created or checked;
 * Kafka may be down (the relay retries in the background). Nothing blocks the event loop: the
 * store uses the async SDK, the event log its own threads.
 */
final class CatalogueVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(CatalogueVerticle.class);

  private final CatalogueConfig config;
  private final DynamoDbAsyncClient dynamo;
  private final EventLog eventLog;
  private final Tokens tokens;
  private final PrometheusMeterRegistry registry;
  private final Clock clock;
  private CatalogueMetrics metrics;
  private DynamoEventStore store;
  private OutboxRelay relay;
  private HttpServer server;

  CatalogueVerticle(
      CatalogueConfig config,
      DynamoDbAsyncClient dynamo,
      EventLog eventLog,
      Tokens tokens,
      PrometheusMeterRegistry registry,
      Clock clock) {
    this.config = config;
    this.dynamo = dynamo;
    this.eventLog = eventLog;
    this.tokens = tokens;
    this.registry = registry;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    metrics = new CatalogueMetrics(registry);
    store = new DynamoEventStore(vertx, dynamo, config.table(), config.appendGroupMax(), config.appendInFlight());
    relay =
        new OutboxRelay(
            vertx,
            store,
            eventLog,
            config.topic(),
            config.eventsPartitions(),
            config.relayInterval(),
            config.relayConcurrency(),
            config.relayMarkDelay(),
            config.relayPublishLinger(),
            metrics,
            clock);
    return store.ensureTable()
        .compose(v -> startRelay())
        .compose(v -> startHttp())
        .onFailure(e -> relay.stop())
        .onSuccess(
            v ->
                log.info(
                    "catalogue started host={} port={} table={} topic={} relayEnabled={}",
                    config.host(), server.actualPort(), config.table(), config.topic(), config.relayEnabled()));
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return Future.join(closed, relay == null ? Future.succeededFuture() : relay.stop())
        .onComplete(done -> {
          if (metrics != null) {
            metrics.close();
          }
        });
  }

  /** The port the HTTP server listens on (useful when configured with port 0). */
  int actualPort() {
    return server.actualPort();
  }

  private Future<Void> startRelay() {
    return config.relayEnabled() ? relay.start() : Future.succeededFuture();
  }

  private Future<Void> startHttp() {
    TenantCommands.CommitListener onCommit = config.relayEnabled() ? relay::nudge : (event, before) -> {};
    TenantCommands commands = new TenantCommands(vertx, store, clock, config.writeAttempts(), metrics, onCommit);
    List<OpsRoutes.Check> readiness = List.of(new OpsRoutes.Check("event-store", store::probe));
    Router router = CatalogueRouter.create(vertx, commands, store, tokens, metrics, registry, readiness);
    return HttpServers.guarded(vertx.createHttpServer(Tls.apply(HttpServers.options(config.host(), config.port()), config.tls())))
        .requestHandler(router)
        .listen()
        .onSuccess(listening -> server = listening)
        .mapEmpty();
  }
}
