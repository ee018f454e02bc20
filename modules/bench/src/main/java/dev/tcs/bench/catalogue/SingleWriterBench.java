package dev.tcs.bench.catalogue;

import dev.tcs.catalogue.Catalogue;
import dev.tcs.catalogue.CatalogueConfig;
import dev.tcs.catalogue.store.DynamoEventStore;
import dev.tcs.catalogue.store.Head;
import dev.tcs.core.auth.Principal;
import dev.tcs.core.auth.Tokens;
import dev.tcs.core.log.KafkaEventLog;
import dev.tcs.core.log.KafkaSettings;
import dev.tcs.core.model.CatalogueEvent;
import dev.tcs.core.model.EventType;
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
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * A single writer's PUT latency against the DynamoDB calls that PUT causes, each timed alone, in
 * the same run on the same DynamoDB Local.
 *
 * <p>Starts Kafka and DynamoDB Local in this JVM and deploys the catalogue (outbox on), then
 * warms both phases' paths ({@code --warmup} rounds of the calls alone, then {@code --warmup}
 * PUTs) before measuring either, so that both run on warm SDK code. Phase 1:
 * sequential {@code PUT /v1/tenants/{id}} over one HTTP/1.1 keep-alive connection, each a new
 * version of one of {@code --tenants} tenants (after the first round every PUT is an update),
 * latency into an HdrHistogram. The DynamoDB client the catalogue uses counts every call by
 * operation, so the run knows how many of each call a PUT made (on its own path and, after the
 * answer, in the outbox). Phase 2: the same calls alone, sequential, through the catalogue's own
 * {@link DynamoEventStore} on a second table of the same layout: the consistent head read
 * ({@code GetItem}), the append ({@code TransactWriteItems}: event + head; the bench document's
 * host is claimed by the first version only), the outbox's {@code publishedVersion} update
 * ({@code UpdateItem}), and the outbox's catch-up reads ({@code Query}). The figure: PUT p50
 * divided by the sum, over operations, of (calls per PUT x that call's p50 alone).
 *
 * <pre>
 * java -cp 'modules/bench/target/tcs-bench-0.1.0-SNAPSHOT.jar:modules/bench/target/lib/*' \
 *   dev.tcs.bench.catalogue.SingleWriterBench --warmup 3000 --writes 2000
 * </pre>
 */
@Command(
    name = "single-writer-bench",
    mixinStandardHelpOptions = true,
    description = "A single writer's catalogue PUT p50 vs the DynamoDB calls it makes, timed alone in the same run.")
public final class SingleWriterBench implements Callable<Integer> {
  @Option(names = "--warmup", description = "unrecorded operations of each kind before measuring (default ${DEFAULT-VALUE})")
  int warmup = 3000;

  @Option(names = "--writes", description = "measured sequential PUTs, and measured calls of each kind alone (default ${DEFAULT-VALUE})")
  int writes = 2000;

  @Option(names = "--tenants", description = "tenants the PUTs cycle through (default ${DEFAULT-VALUE})")
  int tenants = 16;

  @Option(names = "--document-bytes", description = "approximate size of each document (default ${DEFAULT-VALUE})")
  int documentBytes = 600;

  @Option(
      names = "--publish-linger",
      description = "the catalogue's relay-publish-linger, e.g. 0s or 25ms (default: the catalogue's default, 25ms)")
  String publishLinger;

  @Option(names = "--keys", description = "directory holding jwt-public.pem and jwt-private.pem (default: config/demo-keys found upwards)")
  Path keys;

  /** What one run measures. */
  public record Settings(int warmup, int writes, int tenants, int documentBytes, String publishLinger) {}

  /** Latency of one kind of operation, sequential. */
  public record Timing(String name, long count, Histogram latencies) {
    public double p50Millis() {
      return latencies.getValueAtPercentile(50) / 1000.0;
    }

    public double p99Millis() {
      return latencies.getValueAtPercentile(99) / 1000.0;
    }

    JsonObject toJson() {
      return new JsonObject().put("count", count).put("p50Ms", PhaseResult.round(p50Millis())).put("p99Ms", PhaseResult.round(p99Millis()));
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%-34s n=%-6d p50 %7.3f ms   p99 %7.3f ms", name, count, p50Millis(), p99Millis());
    }
  }

  /**
   * The outcome of a run.
   *
   * @param put the sequential PUTs
   * @param callsPerPut DynamoDB operation name to how many of it the catalogue made per measured PUT
   * @param alone DynamoDB operation name to its latency when called alone
   */
  public record Report(Settings settings, Timing put, Map<String, Double> callsPerPut, Map<String, Timing> alone) {
    /** Sum over the operations a PUT caused of (calls per PUT x p50 alone), in ms. */
    public double dynamoMillis() {
      double sum = 0;
      for (Map.Entry<String, Double> calls : callsPerPut.entrySet()) {
        Timing timing = alone.get(calls.getKey());
        if (timing == null) {
          throw new IllegalStateException("a PUT made " + calls.getKey() + " calls, which this bench does not time alone");
        }
        sum += calls.getValue() * timing.p50Millis();
      }
      return sum;
    }

    /** PUT p50 divided by {@link #dynamoMillis}. */
    public double ratio() {
      return put.p50Millis() / dynamoMillis();
    }

    public JsonObject toJson() {
      JsonObject calls = new JsonObject();
      callsPerPut.forEach((name, n) -> calls.put(name, Math.round(n * 1000) / 1000.0));
      JsonObject timings = new JsonObject();
      alone.forEach((name, timing) -> timings.put(name, timing.toJson()));
      return new JsonObject()
          .put("warmup", settings.warmup())
          .put("writes", settings.writes())
          .put("tenants", settings.tenants())
          .put("documentBytes", settings.documentBytes())
          .put("publishLinger", settings.publishLinger() == null ? "default" : settings.publishLinger())
          .put("put", put.toJson())
          .put("callsPerPut", calls)
          .put("alone", timings)
          .put("dynamoSumMs", PhaseResult.round(dynamoMillis()))
          .put("latencyRatio", Math.round(ratio() * 1000) / 1000.0);
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new SingleWriterBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Settings settings = new Settings(warmup, writes, tenants, documentBytes, publishLinger);
    Report report = run(settings, keys != null ? keys : CatalogueWriteBench.demoKeys());
    System.out.printf(
        Locale.ROOT,
        "single writer benchmark: warmup=%d writes=%d tenants=%d cores=%d java=%s%n",
        warmup, writes, tenants, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    System.out.println(report.put());
    report.callsPerPut().forEach((name, n) -> System.out.printf(Locale.ROOT, "  %-32s %.3f per PUT, alone: %s%n", name, n, report.alone().get(name)));
    report.alone().forEach((name, timing) -> {
      if (!report.callsPerPut().containsKey(name)) {
        System.out.printf(Locale.ROOT, "  %-32s not made by a PUT, alone: %s%n", name, timing);
      }
    });
    System.out.printf(Locale.ROOT, "sum of DynamoDB calls per PUT (p50 alone): %.3f ms%n", report.dynamoMillis());
    System.out.printf(Locale.ROOT, "latency ratio PUT p50 / DynamoDB sum: %.3f%n", report.ratio());
    System.out.println("RESULT " + report.toJson().encode());
    return 0;
  }

  /** Starts the infrastructure and the catalogue, runs both phases, stops everything. */
  public static Report run(Settings settings, Path keys) throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    try (LocalInfra infra = LocalInfra.start(List.of())) {
      Vertx vertx = Vertx.vertx();
      CallCounter counter = new CallCounter();
      DynamoDbAsyncClient dynamo = countingClient(infra.dynamo().endpoint(), counter);
      KafkaEventLog eventLog = new KafkaEventLog(vertx, KafkaSettings.of(infra.kafka().bootstrapServers(), "bench"));
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      HttpClientAgent http = null;
      try {
        Tokens tokens = new Tokens(vertx, CatalogueWriteBench.authConfig(keys));
        int port = FreePorts.one();
        JsonObject configJson = CatalogueWriteBench.catalogueConfig(infra, port, suffix, true);
        if (settings.publishLinger() != null) {
          configJson.getJsonObject("catalogue").put("relay-publish-linger", settings.publishLinger());
        }
        CatalogueConfig config = CatalogueConfig.from(dev.tcs.core.config.Settings.of("", configJson));
        Catalogue.deploy(vertx, config, dynamo, eventLog, tokens, registry, Clock.systemUTC()).await();
        http =
            vertx.createHttpClient(
                // A PUT that never answers fails the run instead of hanging it.
                new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port).setKeepAlive(true).setIdleTimeout(60),
                new PoolOptions().setHttp1MaxSize(1));
        String token = tokens.issue("bench", Set.of(Principal.WRITER), Duration.ofHours(2));

        // Warm both paths before measuring either: they share the SDK's code, and timing the calls
        // alone after the PUTs only (as this bench first did) measured them on code the PUTs had
        // warmed three times as long. The calls alone first, so that the measured PUTs follow
        // their warm-up on the same connection; the PUTs' warm-up also lets the outbox settle.
        Alone alone = new Alone(vertx, new DynamoEventStore(vertx, dynamo, "bench-alone-" + suffix), settings);
        alone.times(settings.warmup(), false);
        Writer writer = new Writer(http, token, settings);
        writer.times(settings.warmup(), null);
        awaitQuiet(counter, Duration.ofSeconds(5));

        // Phase 1: sequential PUTs.
        Map<String, Long> before = counter.snapshot();
        Histogram putLatencies = histogram();
        writer.times(settings.writes(), putLatencies);
        // The outbox's calls for the last PUTs come after their answers: let them land.
        awaitQuiet(counter, Duration.ofSeconds(5));
        Map<String, Double> callsPerPut = perPut(before, counter.snapshot(), settings.writes());
        Timing put = new Timing("catalogue PUT (HTTP/1.1)", putLatencies.getTotalCount(), putLatencies);

        // Phase 2: the same calls alone, through the same store code, on a table of the same layout.
        alone.times(settings.writes(), true);
        return new Report(settings, put, callsPerPut, alone.timings());
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

  /** Sequential PUTs, each a new version of the next tenant in turn. */
  private static final class Writer {
    private final HttpClientAgent http;
    private final String token;
    private final Settings settings;
    private long n;

    Writer(HttpClientAgent http, String token, Settings settings) {
      this.http = http;
      this.token = token;
      this.settings = settings;
    }

    void times(int count, Histogram into) {
      for (int i = 0; i < count; i++) {
        long sequence = n++;
        String tenantId = "single-" + (sequence % settings.tenants());
        Buffer body = CatalogueWriteBench.document(tenantId, settings.documentBytes()).put("sequence", sequence).toBuffer();
        long started = System.nanoTime();
        int status =
            http.request(
                    new RequestOptions()
                        .setMethod(HttpMethod.PUT)
                        .setURI("/v1/tenants/" + tenantId)
                        // A PUT that never answers (or never gets its connection) fails the run instead of hanging it.
                        .setConnectTimeout(60_000)
                        .setIdleTimeout(60_000))
                .compose(
                    request ->
                        request.putHeader("Content-Type", "application/json").putHeader("Authorization", "Bearer " + token).send(body))
                .compose(response -> response.body().map(bytes -> response.statusCode()))
                // The request's own timeouts do not cover every case: twice on a loaded machine a PUT
                // was never sent (no connection left to the catalogue) and the run hung.
                .timeout(60, TimeUnit.SECONDS)
                .await();
        long micros = (System.nanoTime() - started) / 1_000;
        if (status != 200 && status != 201) {
          throw new IllegalStateException("PUT " + tenantId + " answered " + status);
        }
        if (into != null) {
          into.recordValue(Math.max(1, micros));
        }
      }
    }
  }

  /**
   * Each call a PUT causes, alone and sequential, through {@link DynamoEventStore}, one round
   * after the other on one tenant: append (event + head), consistent head read, publishedVersion
   * update, catch-up read.
   */
  private static final class Alone {
    private final Vertx vertx;
    private final DynamoEventStore store;
    private final String tenantId = "alone-1";
    private final JsonObject document;
    private final Histogram transact = histogram();
    private final Histogram get = histogram();
    private final Histogram update = histogram();
    private final Histogram query = histogram();
    private Head head;
    private long sequence;

    Alone(Vertx vertx, DynamoEventStore store, Settings settings) {
      this.vertx = vertx;
      this.store = store;
      this.document = CatalogueWriteBench.document(tenantId, settings.documentBytes());
      store.ensureTable().await();
    }

    void times(int rounds, boolean record) {
      for (int i = 0; i < rounds; i++) {
        long version = head == null ? 1 : head.version() + 1;
        CatalogueEvent event =
            new CatalogueEvent(
                UUID.randomUUID().toString(), tenantId, version, head == null ? EventType.CREATED : EventType.UPDATED,
                Instant.now(), document.copy().put("sequence", sequence++), "bench", "bench-" + version);
        Head before = head;
        time(record ? transact : null, () -> onContext(vertx, () -> store.append(before, event)));
        head = time(record ? get : null, () -> onContext(vertx, () -> store.head(tenantId)));
        time(record ? update : null, () -> onContext(vertx, () -> store.markPublished(tenantId, version)));
        time(record ? query : null, () -> onContext(vertx, () -> store.events(tenantId, version, version)));
      }
    }

    Map<String, Timing> timings() {
      Map<String, Timing> alone = new TreeMap<>();
      alone.put("TransactWriteItems", new Timing("TransactWriteItems (event + head) alone", transact.getTotalCount(), transact));
      alone.put("GetItem", new Timing("GetItem (head, consistent) alone", get.getTotalCount(), get));
      alone.put("UpdateItem", new Timing("UpdateItem (publishedVersion) alone", update.getTotalCount(), update));
      alone.put("Query", new Timing("Query (events, consistent) alone", query.getTotalCount(), query));
      return alone;
    }
  }

  private interface Call<T> {
    Future<T> run();
  }

  private static <T> T time(Histogram into, Call<T> call) {
    long started = System.nanoTime();
    T result = call.run().await();
    if (into != null) {
      into.recordValue(Math.max(1, (System.nanoTime() - started) / 1_000));
    }
    return result;
  }

  /** Issues the call from a Vert.x context, as the catalogue does, so both pay the same hops. */
  private static <T> Future<T> onContext(Vertx vertx, Call<T> call) {
    io.vertx.core.Promise<T> promise = io.vertx.core.Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> call.run().onComplete(promise));
    return promise.future();
  }

  private static Histogram histogram() {
    return new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
  }

  /**
   * Calls the catalogue makes on a timer whatever the writes (the outbox's sweep of its index,
   * every {@code relay-interval}); not counted as made by a PUT.
   */
  static final Set<String> PERIODIC = Set.of("Scan");

  private static Map<String, Double> perPut(Map<String, Long> before, Map<String, Long> after, int puts) {
    Map<String, Double> perPut = new LinkedHashMap<>();
    after.forEach(
        (name, count) -> {
          long made = count - before.getOrDefault(name, 0L);
          if (made > 0 && !PERIODIC.contains(name)) {
            perPut.put(name, made / (double) puts);
          }
        });
    return perPut;
  }

  /** Waits until no DynamoDB call has been made for 300 ms (the outbox went quiet), at most {@code timeout}. */
  private static void awaitQuiet(CallCounter counter, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, Long> last = counter.snapshot();
    while (System.nanoTime() < deadline) {
      Thread.sleep(300);
      Map<String, Long> now = counter.snapshot();
      if (now.equals(last)) {
        return;
      }
      last = now;
    }
  }

  /** Counts the DynamoDB calls made through a client, by operation name. */
  static final class CallCounter implements ExecutionInterceptor {
    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
      String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
      calls.computeIfAbsent(operation, k -> new LongAdder()).increment();
    }

    Map<String, Long> snapshot() {
      Map<String, Long> copy = new TreeMap<>();
      calls.forEach((name, n) -> copy.put(name, n.sum()));
      return copy;
    }
  }

  /** Core's {@code DynamoClients.create} for DynamoDB Local, plus the call counter. */
  private static DynamoDbAsyncClient countingClient(URI endpoint, CallCounter counter) {
    return DynamoDbAsyncClient.builder()
        .region(Region.US_EAST_1)
        .httpClientBuilder(
            NettyNioAsyncHttpClient.builder().maxConcurrency(64).connectionTimeout(Duration.ofSeconds(2)).readTimeout(Duration.ofSeconds(10)))
        .endpointOverride(endpoint)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .overrideConfiguration(c -> c.addExecutionInterceptor(counter))
        .build();
  }
}
