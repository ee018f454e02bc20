package dev.tcs.bench.replay;

import dev.tcs.core.log.KafkaEventLog;
import dev.tcs.core.log.KafkaSettings;
import dev.tcs.core.metrics.Metrics;
import dev.tcs.core.model.CatalogueEvent;
import dev.tcs.core.model.EventType;
import dev.tcs.core.model.ViewDefinitions;
import dev.tcs.core.security.Hmac;
import dev.tcs.infra.EmbeddedKafka;
import dev.tcs.projector.Projector;
import dev.tcs.projector.ProjectorConfig;
import dev.tcs.projector.RebuildOptions;
import dev.tcs.projector.RebuildResult;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Replay throughput: {@code Projector.rebuild} (what {@code tcs replay} runs) over a catalogue
 * events topic of {@code --events} records, as a ratio to a plain Kafka consumer (kafka-clients,
 * one thread, no processing) reading the same topic in the same run.
 *
 * <p>Starts Kafka in this JVM, fills the events topic ({@code --events / --versions} tenants with
 * {@code --versions} versions each, a 600-byte document with hosts, credentials and routes, so
 * every event projects to one view per consumer of {@code views.yaml}), then alternates, {@code
 * --runs} times: the plain consumer reads the whole topic; a rebuild replays it and appends its
 * views to the views topic. Both count from their call to the last record handled (the rebuild
 * includes finding where the topic ends, reading the live views, checking and publishing, as
 * {@code tcs replay} does).
 *
 * <pre>
 * java -cp 'modules/bench/target/tcs-bench-0.1.0-SNAPSHOT.jar:modules/bench/target/lib/*' \
 *   dev.tcs.bench.replay.ReplayBench --events 100000 --runs 3
 * </pre>
 */
@Command(name = "replay-bench", mixinStandardHelpOptions = true, description = "Replay events/s vs a plain Kafka consumer of the same topic.")
public final class ReplayBench implements Callable<Integer> {
  @Option(names = "--events", description = "Catalogue events in the topic (default: ${DEFAULT-VALUE}).")
  int events = 100_000;

  @Option(names = "--versions", description = "Versions per tenant (default: ${DEFAULT-VALUE}).")
  int versions = 10;

  @Option(names = "--partitions", description = "Partitions of both topics (default: ${DEFAULT-VALUE}).")
  int partitions = 4;

  @Option(names = "--runs", description = "Baseline + replay pairs measured (default: ${DEFAULT-VALUE}).")
  int runs = 3;

  @Option(names = "--warmup-runs", description = "Baseline + replay pairs run first and not counted, for the JIT (default: ${DEFAULT-VALUE}).")
  int warmupRuns = 1;

  @Option(names = "--verbose", description = "Print the rebuild's progress every second.")
  boolean verbose;

  @Option(names = "--views", description = "View definitions file (default: ${DEFAULT-VALUE}).")
  Path viewsFile = Path.of("config/views.yaml");

  public static void main(String[] args) {
    System.exit(new CommandLine(new ReplayBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    String eventsTopic = "bench.catalogue.events";
    String viewsTopic = "bench.views";
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      createTopics(kafka.bootstrapServers(), List.of(eventsTopic, viewsTopic));
      long filled = fill(kafka.bootstrapServers(), eventsTopic);
      System.out.printf(Locale.ROOT, "topic %s: %d events, %d tenants, %d partitions%n", eventsTopic, filled, events / versions, partitions);

      PrometheusMeterRegistry registry = Metrics.prometheus();
      Vertx vertx = Metrics.vertx(new VertxOptions(), registry);
      KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers(), "replay-bench");
      KafkaEventLog eventLog = new KafkaEventLog(vertx, settings);
      try {
        ViewDefinitions views = Projector.loadViews(vertx, viewsFile).await();
        ProjectorConfig config =
            new ProjectorConfig(
                "127.0.0.1", 0, settings, "bench-projector", eventsTopic, viewsTopic, partitions, "views.yaml",
                Hmac.of("bench-view-key-" + UUID.randomUUID()), null);
        List<double[]> results = new ArrayList<>();
        for (int run = 1 - warmupRuns; run <= runs; run++) {
          double load = loadAverage();
          long plainNanos = plainConsumer(kafka.bootstrapServers(), eventsTopic, filled);
          double plainRate = filled / (plainNanos / 1e9);
          long started = System.nanoTime();
          long[] caughtUpMs = {-1};
          RebuildOptions options =
              RebuildOptions.defaults().withProgress(p -> {
                if (p.caughtUp()) {
                  caughtUpMs[0] = p.elapsed().toMillis();
                }
                if (verbose) {
                  System.out.printf(Locale.ROOT, "  progress %d ms: %d/%d%n", p.elapsed().toMillis(), p.done(), p.total());
                }
              });
          RebuildResult result = Projector.rebuild(vertx, config, views, eventLog, registry, options).await();
          long replayNanos = System.nanoTime() - started;
          double replayRate = result.records() / (replayNanos / 1e9);
          if (run > 0) {
            results.add(new double[] {plainRate, replayRate, replayRate / plainRate});
          }
          System.out.printf(
              Locale.ROOT,
              (run > 0 ? "RESULT" : "WARMUP") + " run=%d load=%.1f/%.1f plain=%.0f events/s (%d ms) replay=%.0f events/s (%d ms, caught up at %d ms, %d events, %d views) ratio=%.3f%n",
              run, load, loadAverage(), plainRate, plainNanos / 1_000_000, replayRate, replayNanos / 1_000_000, caughtUpMs[0],
              result.records(), result.viewsPublished(), replayRate / plainRate);
        }
        results.sort((a, b) -> Double.compare(a[2], b[2]));
        double[] median = results.get(results.size() / 2);
        System.out.printf(
            Locale.ROOT,
            "SUMMARY runs=%d median ratio=%.3f (spread %.3f-%.3f), median-run plain=%.0f replay=%.0f events/s%n",
            runs, median[2], results.get(0)[2], results.get(results.size() - 1)[2], median[0], median[1]);
      } finally {
        eventLog.close().otherwiseEmpty().await();
        vertx.close().await();
      }
    }
    return 0;
  }

  private void createTopics(String bootstrap, List<String> topics) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      List<NewTopic> specs = new ArrayList<>();
      topics.forEach(t -> specs.add(new NewTopic(t, Optional.of(partitions), Optional.empty())));
      admin.createTopics(specs).all().get(30, TimeUnit.SECONDS);
    }
  }

  /** Writes {@code versions} events for each of {@code events / versions} tenants, interleaved as real writes are. */
  private long fill(String bootstrap, String topic) throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
    int tenants = events / versions;
    long sent = 0;
    Instant at = Instant.parse("2026-01-01T00:00:00Z");
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      for (int version = 1; version <= versions; version++) {
        for (int t = 0; t < tenants; t++) {
          String tenant = String.format(Locale.ROOT, "tenant-%06d", t);
          CatalogueEvent event =
              new CatalogueEvent(
                  UUID.randomUUID().toString(), tenant, version, version == 1 ? EventType.CREATED : EventType.UPDATED,
                  at.plusMillis(sent), document(tenant, version), "bench", "bench-" + sent);
          producer.send(new ProducerRecord<>(topic, tenant, event.toBuffer().getBytes()));
          sent++;
        }
      }
      producer.flush();
    }
    return sent;
  }

  static JsonObject document(String tenant, int version) {
    return new JsonObject()
        .put("tenantId", tenant)
        .put("hosts", new JsonArray().add(tenant + ".example.net").add(tenant + "-eu.example.net"))
        .put("products", new JsonArray().add("jira").add("confluence"))
        .put("plan", "enterprise-" + version)
        .put("jira", new JsonObject().put("db-user", tenant + "_jira").put("db-password", "s3cret-" + version).put("shard", "https://jira-shard-17.internal"))
        .put(
            "network-ingress",
            new JsonObject()
                .put("/", "http://jira-us-east.internal")
                .put("/wiki", "http://confluence-eu-west.internal")
                .put("/api", "http://api-gateway-us-east.internal"));
  }

  /** Reads the whole topic with one plain consumer (assigned partitions, no group); returns the nanos it took. */
  private static long plainConsumer(String bootstrap, String topic, long expected) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    long started = System.nanoTime();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      long read = 0;
      long bytes = 0;
      while (read < expected) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
        for (var record : records) {
          bytes += record.value().length;
        }
        read += records.count();
      }
      if (bytes == 0) {
        throw new IllegalStateException("read no bytes");
      }
    }
    return System.nanoTime() - started;
  }

  private static double loadAverage() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }
}
