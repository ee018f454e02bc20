package dev.tcs.catalogue;

import dev.tcs.catalogue.store.DynamoEventStore;
import dev.tcs.catalogue.store.Head;
import dev.tcs.catalogue.testing.Http;
import dev.tcs.catalogue.testing.TestTokens;
import dev.tcs.catalogue.testing.TopicReader;
import dev.tcs.core.config.Settings;
import dev.tcs.core.dynamo.DynamoClients;
import dev.tcs.core.dynamo.DynamoSettings;
import dev.tcs.core.log.EventLog;
import dev.tcs.core.log.KafkaEventLog;
import dev.tcs.core.log.KafkaSettings;
import dev.tcs.infra.TestNames;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * One catalogue deployed on the real in-JVM infrastructure, with a unique table and topic, an
 * HTTP client holding a writer token, and a reader of its topic. Tests drive it only from
 * outside (HTTP, the table, the topic).
 */
final class CatalogueHarness implements AutoCloseable {
  final Vertx vertx = Vertx.vertx();
  final TestTokens tokens = new TestTokens(vertx);
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final DynamoDbAsyncClient dynamo;
  final String bootstrapServers;
  final String table = TestNames.unique("catalogue");
  final String topic = TestNames.unique("catalogue-events");
  private EventLog log;
  private CatalogueVerticle verticle;
  private String deploymentId;
  private Http http;

  CatalogueHarness(URI dynamoEndpoint, String bootstrapServers) {
    this.dynamo = DynamoClients.create(DynamoSettings.local(dynamoEndpoint));
    this.bootstrapServers = bootstrapServers;
  }

  /** The config tests start from: free port, unique names, a fast relay sweep. */
  JsonObject configJson() {
    return new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
        .put("kafka", new JsonObject().put("bootstrap-servers", bootstrapServers))
        .put(
            "catalogue",
            new JsonObject()
                .put("table", table)
                .put("topic", topic)
                .put("events-partitions", 2)
                .put("relay-interval", "200ms"));
  }

  /** Deploys with {@link #configJson()} and the real event log. */
  CatalogueHarness deploy() {
    return deploy(configJson(), eventLog(bootstrapServers));
  }

  CatalogueHarness deploy(JsonObject config, EventLog eventLog) {
    this.log = eventLog;
    this.verticle =
        new CatalogueVerticle(
            CatalogueConfig.from(Settings.of("", config)), dynamo, eventLog, tokens.tokens(), registry, Clock.systemUTC());
    this.deploymentId = vertx.deployVerticle(verticle).await();
    this.http = new Http(verticle.actualPort(), tokens.writer("ops-it"));
    return this;
  }

  /** Undeploys and closes the event log it was given. */
  void undeploy() {
    crash();
    log.close().await();
  }

  /**
   * Undeploys and abandons the event log as a dead process would (closing a Kafka client whose
   * broker is unreachable waits for its pending requests to time out).
   */
  void crash() {
    vertx.undeploy(deploymentId).await();
    deploymentId = null;
  }

  /** A Kafka event log with a short delivery timeout, so outages are noticed quickly. */
  EventLog eventLog(String bootstrap) {
    return new KafkaEventLog(vertx, new KafkaSettings(bootstrap, "catalogue-it", Duration.ofSeconds(5), Duration.ofMillis(500)));
  }

  Http http() {
    return http;
  }

  int port() {
    return verticle.actualPort();
  }

  /** The tenant's head as the event store holds it now (strongly consistent read). */
  Head head(String tenantId) {
    return new DynamoEventStore(vertx, dynamo, table).head(tenantId).await();
  }

  /** The outbox backlog gauge (tenants with unpublished events) of the deployed catalogue. */
  double backlog() {
    return registry.get(CatalogueMetrics.BACKLOG).gauge().value();
  }

  TopicReader reader() {
    return new TopicReader(bootstrapServers, topic);
  }

  @Override
  public void close() {
    if (deploymentId != null) {
      undeploy();
    }
    dynamo.close();
    vertx.close().await();
  }
}
