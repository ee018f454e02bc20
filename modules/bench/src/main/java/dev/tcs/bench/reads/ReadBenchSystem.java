package dev.tcs.bench.reads;

import dev.tcs.core.auth.Principal;
import dev.tcs.launcher.DemoState;
import dev.tcs.launcher.DemoSystem;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The system a sidecar needs, for {@link ReadBench}, started from a JVM of its own: the demo's
 * system (embedded Kafka, DynamoDB Local, Hazelcast, catalogue, projector, every region of
 * {@code demo.yaml}), seeded through the catalogue API with {@code tenants} tenants whose
 * {@code jira} view is {@code viewBytes} bytes. Two layouts:
 *
 * <ul>
 *   <li>with {@code UP_STATE_DIR}: {@code tcs up}, each region, the catalogue, the projector and the
 *       infrastructure in a JVM of its own, as deployed (the state file and logs in that
 *       directory); {@code tcs down} when this process stops;
 *   <li>without: {@link DemoSystem} in this JVM, on free ports.
 * </ul>
 *
 * <p>Prints one line {@code READY <json>} (endpoints, the home region's Hazelcast members, a jira
 * reader token, the tenant ids, the view body, and with {@code tcs up} the pid of each of its
 * processes) and runs until its standard input closes or it is terminated.
 *
 * <pre>java ... dev.tcs.bench.reads.ReadBenchSystem CONFIG_DIR TENANTS VIEW_BYTES [WRITE_CONCURRENCY [UP_STATE_DIR]]</pre>
 */
public final class ReadBenchSystem {
  static final String READY = "READY ";
  static final String CONSUMER = "jira";
  /** The region the benchmark reads directly, and whose Hazelcast cluster the sidecar joins. */
  static final String HOME = "us-east";
  static final int DEFAULT_WRITE_CONCURRENCY = 8;
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(30);

  private ReadBenchSystem() {}

  public static void main(String[] args) throws Exception {
    Path configDir = Path.of(args[0]).toAbsolutePath();
    int tenants = Integer.parseInt(args[1]);
    int viewBytes = Integer.parseInt(args[2]);
    int writeConcurrency = args.length > 3 ? Integer.parseInt(args[3]) : DEFAULT_WRITE_CONCURRENCY;
    // Each layout stops itself when this process stops (a shutdown hook registered as it starts).
    Running system = args.length > 4 ? Running.separate(configDir, Path.of(args[4]).toAbsolutePath()) : Running.inOneJvm(configDir);
    try {
      Vertx vertx = system.vertx();
      // Every request from one context: see BodyCheck for what a request issued from main can do.
      Context context = vertx.getOrCreateContext();
      HttpClientAgent http =
          vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(writeConcurrency));
      String writer = system.writerToken();
      String reader = system.readerToken();
      String home = HOME;
      String region = system.regions().getOrDefault(home, system.regions().values().iterator().next());
      String catalogue = system.catalogue();

      // One probe write sizes the padding so that the view a region serves is viewBytes long.
      int probePad = 300;
      BodyCheck.await(context, () -> put(http, catalogue, writer, tenantDoc(tenantId(0), probePad)), WRITE_TIMEOUT, "probe PUT");
      int probeBody = awaitBody(context, http, region, reader, tenantId(0), -1, Duration.ofSeconds(120)).length();
      int pad = Math.max(1, probePad + viewBytes - probeBody);

      List<String> ids = new ArrayList<>();
      for (int i = 0; i < tenants; i++) {
        ids.add(tenantId(i));
      }
      long seedStart = System.nanoTime();
      for (int from = 0; from < tenants; from += writeConcurrency) {
        int first = from;
        if (from > 0 && from % 5000 < writeConcurrency) {
          System.out.printf("seeded %d of %d tenants in %d s%n", from, tenants, (System.nanoTime() - seedStart) / 1_000_000_000L);
        }
        // A PUT of the same document is idempotent (an unchanged tenant gets no new version): a
        // batch that failed (a 5xx of an overloaded catalogue, a timeout) is sent again, 5 times at most.
        for (int attempt = 1; ; attempt++) {
          try {
            BodyCheck.await(context, () -> {
              List<Future<Void>> batch = new ArrayList<>();
              for (int i = first; i < Math.min(tenants, first + writeConcurrency); i++) {
                batch.add(put(http, catalogue, writer, tenantDoc(ids.get(i), pad)));
              }
              return Future.all(batch);
            }, WRITE_TIMEOUT, "PUT of tenants " + ids.get(first) + " and the next " + (writeConcurrency - 1));
            break;
          } catch (IllegalStateException e) {
            if (attempt == 5) {
              throw e;
            }
            System.out.println("seeding: attempt " + attempt + " failed, again in 2 s: " + e.getMessage());
            ChildProcess.sleep(2000);
          }
        }
      }
      // The last tenant written and the re-padded probe both readable: projection caught up (ingest
      // may lag the seeding by minutes on a busy machine with 100k tenants).
      System.out.printf("seeded %d tenants in %d s; waiting for the region to ingest them%n", tenants, (System.nanoTime() - seedStart) / 1_000_000_000L);
      awaitBody(context, http, region, reader, ids.get(tenants - 1), -1, CATCH_UP_TIMEOUT);
      String body = awaitBody(context, http, region, reader, ids.get(0), viewBytes, CATCH_UP_TIMEOUT);

      JsonObject ready =
          new JsonObject()
              .put("catalogue", catalogue)
              .put("regions", new JsonObject(new LinkedHashMap<>(system.regions())))
              .put("home", home)
              .put("hazelcastCluster", "tcs-" + home)
              .put("hazelcastMembers", new JsonArray(system.homeMembers()))
              .put("dynamo", system.dynamo())
              .put("readerToken", reader)
              .put("writerToken", writer)
              .put("tenants", new JsonArray(ids))
              .put("body", body)
              .put("processes", new JsonObject(new LinkedHashMap<>(system.processes())));
      announceAndWait(ready);
    } catch (Throwable e) {
      e.printStackTrace(System.out); // the parent shows this log's tail
      System.exit(1);
    } finally {
      System.exit(0); // the shutdown hook closes the system
    }
  }

  /** Prints {@code READY <json>} for the parent and returns when the parent closes our stdin. */
  static void announceAndWait(JsonObject ready) throws IOException {
    System.out.println(READY + ready.encode());
    System.out.flush();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      while (in.readLine() != null) {
        // nothing: the parent says stop by closing our stdin (or kills us)
      }
    }
  }

  static String tenantId(int i) {
    return String.format("bench-%06d", i);
  }

  /** A tenant context whose jira view is a credential block padded to size. */
  static JsonObject tenantDoc(String id, int pad) {
    return new JsonObject()
        .put("tenantId", id)
        .put("hosts", new JsonArray().add(id + ".example.net"))
        .put("products", new JsonArray().add("jira").add("confluence"))
        .put(
            "jira",
            new JsonObject()
                .put("db-url", "postgres://db-us-east-3.internal/" + id.replace('-', '_') + "_jira")
                .put("db-user", id.replace('-', '_') + "_jira")
                .put("db-password", String.format("bench-only-%08x", id.hashCode()))
                .put("notes", "x".repeat(pad)))
        .put("network-ingress", new JsonObject().put("/", "http://jira-us-east.internal"));
  }

  static Future<Void> put(HttpClientAgent http, String catalogue, String writer, JsonObject doc) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.PUT)
            .setAbsoluteURI(catalogue + "/v1/tenants/" + doc.getString("tenantId"))
            .putHeader("Authorization", "Bearer " + writer)
            .putHeader("Content-Type", "application/json")
            .setIdleTimeout(WRITE_TIMEOUT.toMillis());
    return http.request(options)
        .compose(request -> request.send(doc.toBuffer()))
        .compose(
            response ->
                response
                    .body()
                    .compose(
                        body ->
                            response.statusCode() / 100 == 2
                                ? Future.<Void>succeededFuture()
                                : Future.failedFuture("PUT " + doc.getString("tenantId") + " answered " + response.statusCode() + ": " + body)));
  }

  /** Polls the region until the tenant answers 200 (with a body of {@code length} bytes if not negative). */
  private static String awaitBody(Context context, HttpClientAgent http, String region, String token, String tenant, int length, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "nothing";
    while (System.nanoTime() < deadline) {
      RequestOptions options =
          new RequestOptions()
              .setMethod(HttpMethod.GET)
              .setAbsoluteURI(region + "/v1/tenants/" + tenant + "/context")
              .putHeader("Authorization", "Bearer " + token)
              .putHeader("Cache-Control", "no-cache")
              .setIdleTimeout(READ_TIMEOUT.toMillis());
      try {
        Map.Entry<Integer, Buffer> answer = BodyCheck.await(context,
            () -> http.request(options).compose(request -> request.send()).compose(response -> response.body().map(body -> Map.entry(response.statusCode(), body))),
            READ_TIMEOUT, "GET " + options.getURI());
        Buffer body = answer.getValue();
        if (answer.getKey() == 200 && (length < 0 || body.length() == length)) {
          return body.toString(StandardCharsets.UTF_8);
        }
        last = answer.getKey() + " (" + body.length() + " bytes)";
      } catch (Exception e) {
        last = e.toString();
      }
      ChildProcess.sleep(100);
    }
    throw new IllegalStateException("tenant " + tenant + " not readable at " + region + " within 120 s; last answer: " + last);
  }

  /**
   * A running system and what the benchmark needs of it: endpoints, the home region's Hazelcast
   * members, tokens signed with the demo key. Each factory registers the shutdown hook that stops
   * what it started; {@code main} exits (also on failure), which runs it.
   */
  record Running(
      Vertx vertx,
      String catalogue,
      Map<String, String> regions,
      List<String> homeMembers,
      String dynamo,
      String writerToken,
      String readerToken,
      Map<String, Long> processes) {

    /** {@link DemoSystem} in this JVM, on free ports: regions share this JVM with Kafka, DynamoDB Local and Hazelcast. */
    static Running inOneJvm(Path configDir) {
      DemoSystem system = DemoSystem.start(new DemoSystem.Options(configDir, System.getenv(), true));
      Runtime.getRuntime().addShutdownHook(new Thread(system::close, "read-bench-system-shutdown"));
      Duration ttl = Duration.ofHours(12);
      return new Running(
          system.vertx(),
          system.endpoints().catalogue(),
          system.endpoints().regions(),
          system.infra().hazelcastAddresses("tcs-" + HOME),
          system.infra().dynamo().endpoint().toString(),
          system.tokens().issue("bench-writer", Set.of(Principal.WRITER), ttl),
          system.tokens().issue(CONSUMER, Set.of(Principal.READER), ttl),
          Map.of());
    }

    /**
     * {@code tcs up} with its state in {@code stateDir}: the infrastructure, the catalogue, the
     * projector and each region in a JVM of its own, as deployed; the sidecar {@code up} starts is
     * stopped (the benchmark starts its own); {@code tcs down} when this process exits.
     */
    static Running separate(Path configDir, Path stateDir) throws IOException {
      Map<String, String> env = Map.of("TCS_STATE_DIR", stateDir.toString());
      Path logs = Files.createDirectories(stateDir.resolve("commands"));
      Runnable down = () -> ChildProcess.runToCompletion("tcs-down", tcs(configDir, "down"), env, Duration.ofMinutes(2), logs);
      // Registered before up runs, so that it also covers a stop while up still starts things: up
      // writes its state file as soon as its first process runs, and down stops what it names.
      Runtime.getRuntime().addShutdownHook(new Thread(down, "read-bench-system-down"));
      ChildProcess.runToCompletion("tcs-up", tcs(configDir, "up"), env, Duration.ofMinutes(10), logs);
      DemoState state = DemoState.readLive(DemoState.file(stateDir)).orElseThrow(() -> new IllegalStateException("tcs up left no live state in " + stateDir));
      DemoState.LocalProcess sidecar = state.processes().get("sidecar");
      ProcessHandle.of(sidecar.pid()).ifPresent(ProcessHandle::destroy);
      Map<String, Long> processes = new LinkedHashMap<>();
      state.processes().forEach((name, process) -> {
        if (!name.equals("sidecar")) {
          processes.put(name, process.pid());
        }
      });
      Map<String, String> regions = new LinkedHashMap<>();
      state.components().forEach((name, url) -> {
        if (name.startsWith("region.")) {
          regions.put(name.substring("region.".length()), url);
        }
      });
      String writer = lastLine(ChildProcess.runToCompletion("tcs-token-writer", tcs(configDir, "token", "--writer", "--subject", "bench-writer", "--ttl", "12h"), env, Duration.ofMinutes(1), logs));
      String reader = lastLine(ChildProcess.runToCompletion("tcs-token-reader", tcs(configDir, "token", "--consumer", CONSUMER, "--ttl", "12h"), env, Duration.ofMinutes(1), logs));
      return new Running(
          Vertx.vertx(),
          state.components().get("catalogue"),
          regions,
          state.hazelcast().get("tcs-" + HOME),
          state.dynamodb(),
          writer,
          reader,
          processes);
    }

    private static List<String> tcs(Path configDir, String... args) {
      List<String> command = ReadBench.javaCommand("-Xmx256m -XX:+UseSerialGC", "");
      command.addAll(List.of("dev.tcs.launcher.TcsCommand", "--config-dir", configDir.toString()));
      command.addAll(List.of(args));
      return command;
    }

    private static String lastLine(String output) {
      List<String> lines = output.lines().filter(line -> !line.isBlank()).toList();
      return lines.get(lines.size() - 1).trim();
    }
  }
}
