package dev.tcs.catalogue;

import dev.tcs.core.auth.Tokens;
import dev.tcs.core.log.EventLog;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * The catalogue, the system's write side: the HTTP command API (writers, role {@code writer}),
 * the DynamoDB event store that is the source of truth, and the outbox relay that publishes every
 * committed event to {@code tcs.catalogue.events}. See the module README for the API and config.
 */
public final class Catalogue {
  private Catalogue() {}

  /**
   * Deploys the catalogue: creates its table if absent, starts the outbox relay (Kafka may be
   * down; publication catches up when it returns) and the HTTP server. Undeploying the returned
   * id stops all of it. The caller keeps ownership of every dependency.
   *
   * @param config from {@link CatalogueConfig#from}
   * @param dynamo the async DynamoDB client (core {@code DynamoClients.create})
   * @param log the event log (core {@code KafkaEventLog})
   * @param tokens verifies writers' bearer tokens
   * @param registry where the catalogue's meters go; also served on {@code /metrics}
   * @param clock stamps events ({@code occurredAt}) and measures the outbox backlog age
   * @return the deployment id, once the HTTP server listens
   */
  public static Future<String> deploy(
      Vertx vertx,
      CatalogueConfig config,
      DynamoDbAsyncClient dynamo,
      EventLog log,
      Tokens tokens,
      PrometheusMeterRegistry registry,
      Clock clock) {
    return vertx.deployVerticle(new CatalogueVerticle(config, dynamo, log, tokens, registry, clock));
  }
}
