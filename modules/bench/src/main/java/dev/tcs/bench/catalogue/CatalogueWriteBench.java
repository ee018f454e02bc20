package dev.tcs.bench.catalogue;

import dev.tcs.catalogue.Catalogue;
import dev.tcs.catalogue.CatalogueConfig;
import dev.tcs.catalogue.CatalogueMetrics;
import dev.tcs.catalogue.store.DynamoEventStore;
import dev.tcs.core.auth.AuthConfig;
import dev.tcs.core.auth.Principal;
import dev.tcs.core.auth.Tokens;
import dev.tcs.core.dynamo.DynamoClients;
import dev.tcs.core.dynamo.DynamoSettings;
import dev.tcs.core.log.KafkaEventLog;
import dev.tcs.core.log.KafkaSettings;
import dev.tcs.infra.FreePorts;
import dev.tcs.infra.LocalInfra;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Write throughput and latency of the catalogue through its HTTP API, as a ratio to raw
 * conditional {@code PutItem} throughput on the same DynamoDB Local, in the same run, at the same
 * concurrency.
 *
 * <p>Starts Kafka and DynamoDB Local in this JVM, deploys the catalogue (outbox relay on, so the
 * publication to Kafka competes for the same store as it does in production), warms both paths
 * (DynamoDB Local gets several times faster once compiled), then measures closed-loop phases: (1)
 * {@code PutItem} of a new item with {@code attribute_not_exists(pk)}, the cheapest conditional
 * write DynamoDB offers; (2) {@code PUT /v1/tenants/{id}} over HTTP/1.1 with a writer token, each a
 * new version of one of {@code concurrency x 16} tenants (a consistent head read, one append
 * transaction, the outbox's publish and mark); (3) unless {@code --no-breakdown}, each DynamoDB
 * call a catalogue write makes, alone, to explain the ratio. Load generator, catalogue and
 * infrastructure share the machine, so only ratios travel.
 *
 * <pre>
 * java -cp 'modules/bench/target/tcs-bench-0.1.0-SNAPSHOT.jar:modules/bench/target/lib/*' \
 *   dev.tcs.bench.catalogue.CatalogueWriteBench --concurrency 32 --warmup 30s --duration 20s
 * </pre>
 */
@Command(
    name = "catalogue-write-bench",
    mixinStandardHelpOptions = true,
    description = "Catalogue PUT throughput and p99 vs raw conditional PutItem on the same DynamoDB Local.")
public final class CatalogueWriteBench implements Callable<Integer> {
  @Option(names = "--concurrency", description = "operations in flight (default ${DEFAULT-VALUE})")
  int concurrency = 32;

  @Option(names = "--warmup", description = "warm-up before measuring, split between the catalogue and raw paths (default ${DEFAULT-VALUE})")
  String warmup = "30s";

  @Option(names = "--duration", description = "measured window of the raw and catalogue phases; each breakdown phase gets a third (default ${DEFAULT-VALUE})")
  String duration = "20s";

  @Option(names = "--document-bytes", description = "approximate size of each document (default ${DEFAULT-VALUE})")
  int documentBytes = 600;

  @Option(names = "--no-breakdown", description = "skip measuring GetItem, TransactWriteItems and UpdateItem alone")
  boolean noBreakdown;

  @Option(names = "--no-outbox", description = "deploy the catalogue with relay-enabled: false, to see what publication costs")
  boolean noOutbox;

  @Option(names = "--min-operations", description = "each measured phase lasts until at least this many operations completed in it, beyond its duration if needed (default ${DEFAULT-VALUE})")
  long minOperations = 50;

  @Option(
      names = "--group-sizes",
      split = ",",
      description =
          "instead of the catalogue, measure TransactWriteItems carrying this many tenants' appends (event put + head update) each, e.g. 1,2,4,8,16, against raw PutItem")
  List<Integer> groupSizes;

  @Option(names = "--append-group-max", description = "the catalogue's catalogue.append-group-max: appends per store transaction, 1 = each alone (default ${DEFAULT-VALUE})")
  int appendGroupMax = DynamoEventStore.DEFAULT_GROUP_MAX;

  @Option(names = "--append-in-flight", description = "the catalogue's catalogue.append-in-flight (default ${DEFAULT-VALUE})")
  int appendInFlight = DynamoEventStore.DEFAULT_IN_FLIGHT;

  @Option(names = "--keys", description = "directory holding jwt-public.pem and jwt-private.pem (default: config/demo-keys found upwards)")
  Path keys;

  /**
   * What one run measures.
   *
   * @param concurrency operations in flight in each phase
   * @param warmup unrecorded load before the first measured window, half on each path
   * @param duration the raw and catalogue measured windows (breakdown phases get a third)
   * @param documentBytes approximate encoded size of each document / item
   * @param breakdown whether to also measure, alone, each DynamoDB call a catalogue write makes
   * @param outbox whether the catalogue publishes its events (relay-enabled)
   * @param minOperations each measured phase extends past its duration until this many operations completed in it
   * @param appendGroupMax the catalogue's {@code append-group-max} (1: each append in its own transaction)
   * @param appendInFlight the catalogue's {@code append-in-flight}
   */
  public record BenchSettings(
      int concurrency,
      Duration warmup,
      Duration duration,
      int documentBytes,
      boolean breakdown,
      boolean outbox,
      long minOperations,
      int appendGroupMax,
      int appendInFlight) {
    /** With the catalogue's default group commit. */
    public BenchSettings(
        int concurrency, Duration warmup, Duration duration, int documentBytes, boolean breakdown, boolean outbox, long minOperations) {
      this(concurrency, warmup, duration, documentBytes, breakdown, outbox, minOperations, DynamoEventStore.DEFAULT_GROUP_MAX, DynamoEventStore.DEFAULT_IN_FLIGHT);
    }
  }

  /**
   * The outcome of a run.
   *
   * @param raw the raw conditional PutItem phase
   * @param catalogue the catalogue PUT phase
   * @param breakdown the DynamoDB calls one catalogue write makes, each measured alone (for reading the ratio)
   * @param published catalogue events the outbox had published when the run ended
   * @param backlogAfter tenants still unpublished when the run ended (0: the outbox kept up; -1: no outbox)
   */
  public record Report(
      BenchSettings settings, PhaseResult raw, PhaseResult catalogue, List<PhaseResult> breakdown, long published, long backlogAfter) {
    /** Catalogue writes per second divided by raw PutItems per second. */
    public double ratio() {
      return catalogue.throughput() / raw.throughput();
    }

    private JsonObject breakdownJson() {
      JsonObject json = new JsonObject();
      breakdown.forEach(phase -> json.put(phase.name().strip(), phase.toJson()));
      return json;
    }

    public JsonObject toJson() {
      return new JsonObject()
          .put("concurrency", settings.concurrency())
          .put("warmupSeconds", settings.warmup().toSeconds())
          .put("durationSeconds", settings.duration().toSeconds())
          .put("documentBytes", settings.documentBytes())
          .put("outbox", settings.outbox())
          .put("appendGroupMax", settings.appendGroupMax())
          .put("appendInFlight", settings.appendInFlight())
          .put("minOperations", settings.minOperations())
          .put("rawPutItem", raw.toJson())
          .put("cataloguePut", catalogue.toJson())
          .put("breakdown", breakdownJson())
          .put("throughputRatio", Math.round(ratio() * 1000) / 1000.0)
          .put("published", published)
          .put("backlogAfter", backlogAfter);
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new CatalogueWriteBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (groupSizes != null && !groupSizes.isEmpty()) {
      return runGroupSizes();
    }
    BenchSettings settings =
        new BenchSettings(concurrency, parseDuration("--warmup", warmup), parseDuration("--duration", duration), documentBytes, !noBreakdown, !noOutbox, minOperations, appendGroupMax, appendInFlight);
    Report report = run(settings, keys != null ? keys : demoKeys());
    System.out.printf(
        Locale.ROOT,
        "catalogue write benchmark: concurrency=%d warmup=%ss duration=%ss outbox=%s append-group-max=%d append-in-flight=%d cores=%d java=%s%n",
        settings.concurrency(), settings.warmup().toSeconds(), settings.duration().toSeconds(), settings.outbox(), settings.appendGroupMax(), settings.appendInFlight(),
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    System.out.println(report.raw());
    System.out.println(report.catalogue());
    report.breakdown().forEach(System.out::println);
    System.out.printf(Locale.ROOT, "throughput ratio catalogue/raw: %.3f%n", report.ratio());
    System.out.printf(Locale.ROOT, "outbox: %d events published, %d tenants unpublished at the end%n", report.published(), report.backlogAfter());
    System.out.println("RESULT " + report.toJson().encode());
    return report.raw().errors() == 0 && report.catalogue().errors() == 0 ? 0 : 1;
  }

  /** Starts the infrastructure and the catalogue, runs both phases, stops everything. */
  public static Report run(BenchSettings settings, Path keys) throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    try (LocalInfra infra = LocalInfra.start(List.of())) {
      Vertx vertx = Vertx.vertx();
      DynamoDbAsyncClient dynamo = DynamoClients.create(DynamoSettings.local(infra.dynamo().endpoint()));
      KafkaEventLog eventLog = new KafkaEventLog(vertx, KafkaSettings.of(infra.kafka().bootstrapServers(), "bench"));
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      HttpClientAgent http = null;
      try {
        Tokens tokens = new Tokens(vertx, authConfig(keys));
        int port = FreePorts.one();
        JsonObject configJson = catalogueConfig(infra, port, suffix, settings.outbox());
        configJson.getJsonObject("catalogue").put("append-group-max", settings.appendGroupMax()).put("append-in-flight", settings.appendInFlight());
        CatalogueConfig config = CatalogueConfig.from(dev.tcs.core.config.Settings.of("", configJson));
        Catalogue.deploy(vertx, config, dynamo, eventLog, tokens, registry, Clock.systemUTC()).await();
        String rawTable = createRawTable(dynamo, "bench-raw-" + suffix);
        http =
            vertx.createHttpClient(
                new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port).setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(settings.concurrency()));
        String token = tokens.issue("bench", Set.of(Principal.WRITER), Duration.ofHours(2));

        ClosedLoop.Operation rawOp = rawPut(dynamo, rawTable, settings);
        ClosedLoop.Operation catalogueOp = cataloguePut(http, token, settings);
        // DynamoDB Local runs several times faster once its own code is compiled: warm both paths.
        Duration half = settings.warmup().dividedBy(2);
        ClosedLoop.run(vertx, "warm-up catalogue", settings.concurrency(), half, Duration.ofMillis(1), catalogueOp).await();
        ClosedLoop.run(vertx, "warm-up raw", settings.concurrency(), half, Duration.ofMillis(1), rawOp).await();
        // A short unrecorded start for each measured phase (connections, the other path's tail).
        Duration settle = settings.warmup().dividedBy(4).compareTo(Duration.ofSeconds(2)) < 0 ? settings.warmup().dividedBy(4) : Duration.ofSeconds(2);
        PhaseResult raw = ClosedLoop.run(vertx, "raw conditional PutItem", settings.concurrency(), settle, settings.duration(), settings.minOperations(), rawOp).await();
        PhaseResult catalogue =
            ClosedLoop.run(vertx, "catalogue PUT (HTTP/1.1)", settings.concurrency(), settle, settings.duration(), settings.minOperations(), catalogueOp).await();
        List<PhaseResult> breakdown = new ArrayList<>();
        if (settings.breakdown()) {
          Duration shortWindow = settings.duration().dividedBy(3);
          breakdown.add(ClosedLoop.run(vertx, "  GetItem consistent", settings.concurrency(), settle, shortWindow, settings.minOperations(), rawGet(dynamo, rawTable)).await());
          breakdown.add(ClosedLoop.run(vertx, "  TransactWriteItems x2", settings.concurrency(), settle, shortWindow, settings.minOperations(), rawTransaction(dynamo, rawTable, settings)).await());
          breakdown.add(ClosedLoop.run(vertx, "  UpdateItem conditional", settings.concurrency(), settle, shortWindow, settings.minOperations(), rawUpdate(dynamo, rawTable)).await());
        }
        long backlog = settings.outbox() ? awaitOutbox(registry, Duration.ofSeconds(60)) : -1;
        long published = (long) registry.get(CatalogueMetrics.PUBLISHED).counter().count();
        return new Report(settings, raw, catalogue, breakdown, published, backlog);
      } finally {
        if (http != null) {
          http.close().await();
        }
        eventLog.close().await();
        vertx.close().await();
        dynamo.close();
      }
    }
  }

  /**
   * The {@code --group-sizes} mode: raw PutItem, then one closed-loop phase per group size g, each
   * operation a {@code TransactWriteItems} of g (event put + head update) pairs on new keys. Says
   * whether carrying several tenants' appends per transaction would raise appends per second.
   */
  private Integer runGroupSizes() throws Exception {
    for (int g : groupSizes) {
      if (g < 1 || g > 50) {
        throw new CommandLine.ParameterException(new CommandLine(this), "--group-sizes must be between 1 and 50 (100 items), but was " + g);
      }
    }
    Duration warm = parseDuration("--warmup", warmup);
    Duration measure = parseDuration("--duration", duration);
    BenchSettings settings = new BenchSettings(concurrency, warm, measure, documentBytes, false, false, minOperations, 1, 1);
    System.out.printf(
        Locale.ROOT,
        "group-size benchmark: concurrency=%d warmup=%ss duration=%ss groups=%s cores=%d java=%s%n",
        concurrency, warm.toSeconds(), measure.toSeconds(), groupSizes, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    try (LocalInfra infra = LocalInfra.start(List.of())) {
      Vertx vertx = Vertx.vertx();
      DynamoDbAsyncClient dynamo = DynamoClients.create(DynamoSettings.local(infra.dynamo().endpoint()));
      try {
        String table = createRawTable(dynamo, "bench-raw-" + suffix);
        ClosedLoop.Operation rawOp = rawPut(dynamo, table, settings);
        Duration half = warm.dividedBy(2);
        ClosedLoop.run(vertx, "warm-up transactions", concurrency, half, Duration.ofMillis(1), groupedTransaction(dynamo, table, settings, 4, "W")).await();
        ClosedLoop.run(vertx, "warm-up raw", concurrency, half, Duration.ofMillis(1), rawOp).await();
        Duration settle = Duration.ofSeconds(1);
        PhaseResult raw = ClosedLoop.run(vertx, "raw conditional PutItem", concurrency, settle, measure, minOperations, rawOp).await();
        System.out.println(raw);
        for (int i = 0; i < groupSizes.size(); i++) {
          int g = groupSizes.get(i);
          PhaseResult phase =
              ClosedLoop.run(vertx, "  TransactWriteItems " + g + " x2", concurrency, settle, measure, minOperations, groupedTransaction(dynamo, table, settings, g, "G" + i + "-")).await();
          double appends = phase.throughput() * g;
          System.out.printf(
              Locale.ROOT, "%s   appends/s %6.0f   appends/raw %.3f%n", phase, appends, appends / raw.throughput());
        }
        PhaseResult rawAgain = ClosedLoop.run(vertx, "raw conditional PutItem again", concurrency, settle, measure, minOperations, rawOp).await();
        System.out.println(rawAgain);
        return 0;
      } finally {
        vertx.close().await();
        dynamo.close();
      }
    }
  }

  /** {@code group} (event-like put + head-like update) pairs on new keys, in one transaction. */
  private static ClosedLoop.Operation groupedTransaction(DynamoDbAsyncClient dynamo, String table, BenchSettings settings, int group, String prefix) {
    String payload = document("raw", settings.documentBytes()).encode();
    AtomicLong keys = new AtomicLong();
    return ignored -> {
      List<TransactWriteItem> items = new ArrayList<>(2 * group);
      for (int i = 0; i < group; i++) {
        long n = keys.getAndIncrement();
        items.add(
            TransactWriteItem.builder()
                .put(
                    Put.builder()
                        .tableName(table)
                        .item(Map.of("pk", AttributeValue.fromS(prefix + "E#" + n), "doc", AttributeValue.fromS(payload)))
                        .conditionExpression("attribute_not_exists(pk)")
                        .build())
                .build());
        items.add(
            TransactWriteItem.builder()
                .update(
                    Update.builder()
                        .tableName(table)
                        .key(Map.of("pk", AttributeValue.fromS(prefix + "H#" + n)))
                        .updateExpression("SET doc = :d, version = :v")
                        .conditionExpression("attribute_not_exists(pk)")
                        .expressionAttributeValues(Map.of(":d", AttributeValue.fromS(payload), ":v", AttributeValue.fromN("1")))
                        .build())
                .build());
      }
      return Future.fromCompletionStage(dynamo.transactWriteItems(b -> b.transactItems(items))).map(response -> true);
    };
  }

  private static ClosedLoop.Operation rawPut(DynamoDbAsyncClient dynamo, String table, BenchSettings settings) {
    String payload = document("raw", settings.documentBytes()).encode();
    AtomicLong keys = new AtomicLong();
    return ignored -> {
      PutItemRequest request =
          PutItemRequest.builder()
              .tableName(table)
              .item(Map.of("pk", AttributeValue.fromS("R#" + keys.getAndIncrement()), "doc", AttributeValue.fromS(payload), "version", AttributeValue.fromN("1")))
              .conditionExpression("attribute_not_exists(pk)")
              .build();
      return Future.fromCompletionStage(dynamo.putItem(request)).map(response -> true);
    };
  }

  /** Items {@code S#0..} that the GetItem and UpdateItem phases read and change. */
  private static final int SEEDED = 512;

  /** Reads one of the seeded items, as the catalogue reads a head. */
  private static ClosedLoop.Operation rawGet(DynamoDbAsyncClient dynamo, String table) {
    return n ->
        Future.fromCompletionStage(
                dynamo.getItem(b -> b.tableName(table).key(Map.of("pk", AttributeValue.fromS("S#" + (n % SEEDED)))).consistentRead(true)))
            .map(response -> response.hasItem());
  }

  /** An event-like put (new key) and a head-like conditional update, in one transaction. */
  private static ClosedLoop.Operation rawTransaction(DynamoDbAsyncClient dynamo, String table, BenchSettings settings) {
    String payload = document("raw", settings.documentBytes()).encode();
    AtomicLong keys = new AtomicLong();
    return ignored -> {
      long n = keys.getAndIncrement();
      TransactWriteItem event =
          TransactWriteItem.builder()
              .put(
                  Put.builder()
                      .tableName(table)
                      .item(Map.of("pk", AttributeValue.fromS("E#" + n), "doc", AttributeValue.fromS(payload)))
                      .conditionExpression("attribute_not_exists(pk)")
                      .build())
              .build();
      TransactWriteItem head =
          TransactWriteItem.builder()
              .update(
                  Update.builder()
                      .tableName(table)
                      .key(Map.of("pk", AttributeValue.fromS("H#" + n)))
                      .updateExpression("SET doc = :d, version = :v")
                      .conditionExpression("attribute_not_exists(pk)")
                      .expressionAttributeValues(Map.of(":d", AttributeValue.fromS(payload), ":v", AttributeValue.fromN("1")))
                      .build())
              .build();
      return Future.fromCompletionStage(dynamo.transactWriteItems(b -> b.transactItems(event, head))).map(response -> true);
    };
  }

  /** A conditional update of an existing item, as the outbox marks a head published. */
  private static ClosedLoop.Operation rawUpdate(DynamoDbAsyncClient dynamo, String table) {
    return n ->
        Future.fromCompletionStage(
                dynamo.updateItem(
                    b ->
                        b.tableName(table)
                            .key(Map.of("pk", AttributeValue.fromS("S#" + (n % SEEDED))))
                            .updateExpression("SET version = :v")
                            .conditionExpression("attribute_exists(pk)")
                            .expressionAttributeValues(Map.of(":v", AttributeValue.fromN(Long.toString(n))))))
            .map(response -> true);
  }

  private static ClosedLoop.Operation cataloguePut(HttpClientAgent http, String token, BenchSettings settings) {
    int tenants = settings.concurrency() * 16;
    // One counter across warm-up and measurement, so that every PUT is a new document (a
    // repeated one would be answered "unchanged" without a write).
    AtomicLong writes = new AtomicLong();
    return ignored -> {
      long n = writes.getAndIncrement();
      String tenantId = "bench-" + (n % tenants);
      Buffer body = document(tenantId, settings.documentBytes()).put("sequence", n).toBuffer();
      return http.request(HttpMethod.PUT, "/v1/tenants/" + tenantId)
          .compose(
              request ->
                  request
                      .putHeader("Content-Type", "application/json")
                      .putHeader("Authorization", "Bearer " + token)
                      .send(body))
          .compose(response -> response.body().map(bytes -> isNewVersion(response.statusCode(), bytes)));
    };
  }

  /** Only a write that made a new version counts: 201, or 200 that did not answer "unchanged". */
  private static boolean isNewVersion(int status, Buffer body) {
    return status == 201 || (status == 200 && !body.toString().contains("\"change\":\"unchanged\""));
  }

  /** A realistic tenant document of about {@code bytes} bytes (one host, credentials, routes). */
  static JsonObject document(String tenantId, int bytes) {
    JsonObject document =
        new JsonObject()
            .put("tenantId", tenantId)
            .put("hosts", new JsonArray().add(tenantId + ".bench.example.net"))
            .put("products", new JsonArray().add("jira").add("confluence"))
            .put("jira", new JsonObject().put("db-user", tenantId + "_jira").put("db-password", "not-a-real-password"))
            .put("network-ingress", new JsonObject().put("/", "http://jira-us-east.internal").put("/wiki", "http://confluence-eu-west.internal"));
    int missing = bytes - document.encode().length() - 16;
    if (missing > 0) {
      document.put("notes", "x".repeat(missing));
    }
    return document;
  }

  /** Waits until the outbox relay reports an empty backlog; returns the backlog it last saw. */
  private static long awaitOutbox(PrometheusMeterRegistry registry, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    double backlog = registry.get(CatalogueMetrics.BACKLOG).gauge().value();
    while (System.nanoTime() < deadline) {
      Thread.sleep(250);
      backlog = registry.get(CatalogueMetrics.BACKLOG).gauge().value();
      if (backlog == 0 && registry.get(CatalogueMetrics.PUBLISHED).counter().count() > 0) {
        break;
      }
    }
    return (long) backlog;
  }

  static JsonObject catalogueConfig(LocalInfra infra, int port, String suffix, boolean outbox) {
    return new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", port))
        .put("kafka", new JsonObject().put("bootstrap-servers", infra.kafka().bootstrapServers()))
        .put("catalogue", new JsonObject().put("table", "bench-catalogue-" + suffix).put("topic", "bench.catalogue.events-" + suffix).put("relay-interval", "1s").put("relay-enabled", outbox));
  }

  private static String createRawTable(DynamoDbAsyncClient dynamo, String table) {
    dynamo
        .createTable(
            b ->
                b.tableName(table)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build())
                    .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build()))
        .join();
    String payload = document("seed", 600).encode();
    List<java.util.concurrent.CompletableFuture<?>> seeds = new ArrayList<>();
    for (int i = 0; i < SEEDED; i++) {
      String key = "S#" + i;
      seeds.add(dynamo.putItem(b -> b.tableName(table).item(Map.of("pk", AttributeValue.fromS(key), "doc", AttributeValue.fromS(payload)))));
      if (seeds.size() == 32) {
        seeds.forEach(java.util.concurrent.CompletableFuture::join);
        seeds.clear();
      }
    }
    seeds.forEach(java.util.concurrent.CompletableFuture::join);
    return table;
  }

  static AuthConfig authConfig(Path keys) throws IOException {
    return new AuthConfig(
        Files.readString(keys.resolve("jwt-public.pem")), Files.readString(keys.resolve("jwt-private.pem")), "tcs-demo", "tcs", Duration.ofSeconds(5));
  }

  /** {@code config/demo-keys} of the repository, found from the working directory upwards. */
  static Path demoKeys() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve("config/demo-keys");
      if (Files.isRegularFile(candidate.resolve("jwt-private.pem"))) {
        return candidate;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("config/demo-keys not found above " + Path.of("").toAbsolutePath() + "; pass --keys");
  }

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m)");

  static Duration parseDuration(String option, String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw new CommandLine.ParameterException(new CommandLine(new CatalogueWriteBench()), option + " must be like 500ms, 20s or 1m, but was '" + text + "'");
    }
    long amount = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      default -> Duration.ofMinutes(amount);
    };
  }
}
