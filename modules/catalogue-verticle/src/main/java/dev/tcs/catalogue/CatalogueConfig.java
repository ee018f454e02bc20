package dev.tcs.catalogue;

import dev.tcs.catalogue.store.DynamoEventStore;
import dev.tcs.core.auth.AuthConfig;
import dev.tcs.core.config.Settings;
import dev.tcs.core.http.Tls;
import dev.tcs.core.dynamo.DynamoSettings;
import dev.tcs.core.log.KafkaSettings;
import dev.tcs.core.model.Topics;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The catalogue's configuration, read from {@code config/catalogue.yaml} (env prefix
 * {@code TCS_CATALOGUE}). Every section and key is validated; an unknown key stops start-up with a
 * message naming it.
 *
 * <pre>
 * http:      {host: 127.0.0.1, port: 8080, tls: {cert, key, client-ca}}   (core Tls; empty: h2c)
 * kafka:     {bootstrap-servers: ..., client-id, delivery-timeout, commit-interval}   (core KafkaSettings)
 * dynamodb:  {endpoint, region, max-connections}                                      (core DynamoSettings)
 * auth:      {public-key, private-key, issuer, audience, leeway}                      (core AuthConfig, read by the launcher)
 * catalogue:
 *   table: tcs-catalogue            # DynamoDB table, created at start if absent
 *   topic: tcs.catalogue.events     # where committed events are published
 *   events-partitions: 4            # partitions of the topic when the catalogue creates it
 *   relay-interval: 2s              # how often the outbox relay sweeps for unpublished events
 *   relay-concurrency: 16           # tenants a sweep publishes at once
 *   relay-mark-delay: 1s            # after an ack, wait this long before recording publishedVersion (0s..1m)
 *   relay-publish-linger: 25ms      # commits of this window are handed to the event log together (0s..1s)
 *   relay-enabled: true             # false: commit only, publish nothing (maintenance, tests)
 *   write-attempts: 4               # tries of a write without If-Match that loses a race
 *   append-group-max: 16            # appends of different tenants one store transaction may carry (1: each alone)
 *   append-in-flight: 2             # append transactions in flight before further appends wait to be grouped
 * </pre>
 *
 * @param host the HTTP bind address
 * @param port the HTTP port (0 picks a free one)
 * @param kafka how the launcher reaches Kafka (the catalogue itself receives a built {@code EventLog})
 * @param dynamo how the launcher reaches DynamoDB (the catalogue receives a built client)
 * @param table the DynamoDB table holding events, heads and host claims
 * @param topic the event-log topic committed events are published to
 * @param eventsPartitions partitions of {@code topic} when it is created here
 * @param relayInterval the period of the outbox relay's catch-up sweep
 * @param relayConcurrency how many tenants one sweep publishes concurrently
 * @param relayMarkDelay how long after the event log acked a tenant's event the relay records
 *     {@code publishedVersion}, so that the versions acked meanwhile share one store update
 * @param relayPublishLinger how long after a commit the relay may wait before publishing it, so
 *     that the commits of that window reach the event log in one hand-off (zero: each at once)
 * @param relayEnabled whether committed events are published at all
 * @param writeAttempts how many times a write without {@code If-Match} is tried against a
 *     concurrent writer before it is answered with 409
 * @param appendGroupMax the most appends (of different tenants and hosts) one {@code
 *     TransactWriteItems} carries; 1 sends each append alone
 * @param appendInFlight how many append transactions may be in flight before further appends
 *     wait and go together in the next one (group commit; a lone append never waits)
 */
public record CatalogueConfig(
    String host,
    int port,
    KafkaSettings kafka,
    DynamoSettings dynamo,
    String table,
    String topic,
    int eventsPartitions,
    Duration relayInterval,
    int relayConcurrency,
    Duration relayMarkDelay,
    Duration relayPublishLinger,
    boolean relayEnabled,
    int writeAttempts,
    int appendGroupMax,
    int appendInFlight,
    Tls.Server tls) {

  /** The default HTTP port of the catalogue. */
  public static final int DEFAULT_PORT = 8080;
  /**
   * 25 ms: a single writer's commits reach the event log in fewer hand-offs, which lowered its PUT
   * latency (BENCHMARKS.md "Single writer"); each event may wait up to that long before it is
   * published.
   */
  static final Duration DEFAULT_PUBLISH_LINGER = Duration.ofMillis(25);

  private static final Pattern TABLE = Pattern.compile("[a-zA-Z0-9_.-]{3,255}");
  private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  /**
   * Reads the whole component file (its root mapping).
   *
   * @throws dev.tcs.core.config.ConfigException naming the first key that breaks a rule
   */
  public static CatalogueConfig from(Settings root) {
    root.allowOnly("http", "kafka", "dynamodb", "auth", "catalogue");
    Settings http = root.section("http").allowOnly("host", "port", "tls");
    // The launcher builds Tokens from this section (AuthConfig.from needs the config directory);
    // here it is only checked for unknown keys so a typo fails early.
    AuthConfig.check(root.section("auth"));
    Settings catalogue =
        root.section("catalogue")
            .allowOnly(
                "table",
                "topic",
                "events-partitions",
                "relay-interval",
                "relay-concurrency",
                "relay-mark-delay",
                "relay-publish-linger",
                "relay-enabled",
                "write-attempts",
                "append-group-max",
                "append-in-flight");
    String table = catalogue.string("table", "tcs-catalogue");
    catalogue.check(TABLE.matcher(table).matches(), "table", "must be a DynamoDB table name ([a-zA-Z0-9_.-]{3,255})");
    String topic = catalogue.string("topic", Topics.CATALOGUE_EVENTS);
    catalogue.check(TOPIC.matcher(topic).matches(), "topic", "must be a Kafka topic name ([a-zA-Z0-9._-]{1,249})");
    Duration relayInterval = catalogue.duration("relay-interval", Duration.ofSeconds(2));
    catalogue.check(relayInterval.toMillis() >= 10, "relay-interval", "must be at least 10ms");
    Duration relayMarkDelay = catalogue.duration("relay-mark-delay", Duration.ofSeconds(1));
    catalogue.check(
        !relayMarkDelay.isNegative() && relayMarkDelay.compareTo(Duration.ofMinutes(1)) <= 0, "relay-mark-delay", "must be between 0s and 1m");
    Duration relayPublishLinger = catalogue.duration("relay-publish-linger", DEFAULT_PUBLISH_LINGER);
    catalogue.check(
        !relayPublishLinger.isNegative() && relayPublishLinger.compareTo(Duration.ofSeconds(1)) <= 0,
        "relay-publish-linger",
        "must be between 0s and 1s");
    return new CatalogueConfig(
        http.string("host", "127.0.0.1"),
        http.port("port", DEFAULT_PORT),
        KafkaSettings.from(root.section("kafka")),
        DynamoSettings.from(root.section("dynamodb")),
        table,
        topic,
        catalogue.integer("events-partitions", 1, 1024, 4),
        relayInterval,
        catalogue.integer("relay-concurrency", 1, 1024, 16),
        relayMarkDelay,
        relayPublishLinger,
        catalogue.bool("relay-enabled", true),
        catalogue.integer("write-attempts", 1, 20, 4),
        catalogue.integer("append-group-max", 1, 50, DynamoEventStore.DEFAULT_GROUP_MAX),
        catalogue.integer("append-in-flight", 1, 64, DynamoEventStore.DEFAULT_IN_FLIGHT),
        Tls.server(http));
  }
}
