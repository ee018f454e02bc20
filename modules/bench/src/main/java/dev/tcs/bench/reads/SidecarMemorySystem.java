package dev.tcs.bench.reads;

import dev.tcs.core.auth.Principal;
import dev.tcs.core.config.ConfigLoader;
import dev.tcs.core.config.Settings;
import dev.tcs.core.log.Append;
import dev.tcs.core.log.EventLog;
import dev.tcs.core.log.KafkaEventLog;
import dev.tcs.core.log.KafkaSettings;
import dev.tcs.core.model.Topics;
import dev.tcs.core.model.View;
import dev.tcs.core.model.ViewDefinitions;
import dev.tcs.core.read.ReadApi;
import dev.tcs.core.security.Hmac;
import dev.tcs.core.security.ViewTags;
import dev.tcs.launcher.DemoSystem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The system {@link SidecarMemoryBench}'s sidecar reads from, in its own JVM: {@link DemoSystem}
 * on free ports (embedded Kafka, DynamoDB Local, Hazelcast, catalogue, projector, every region of
 * {@code demo.yaml}), holding {@code TENANTS} tenants whose {@code jira} view is {@code VIEW_BYTES}
 * bytes.
 *
 * <p>How the tenants get there: one probe tenant is written through the catalogue API (so the
 * projector's view of it shows the definitions revision the regions accept); then the
 * {@code jira} view of every bench tenant is appended to the views topic ({@code tcs.views}),
 * tagged with the demo's view key exactly as the projector tags it, and every region ingests it
 * through its real ingest path into its DynamoDB table. The catalogue and the projector are
 * skipped for the bulk because they take minutes per 10,000 tenants on this machine (see
 * BENCHMARKS.md "Bulk"), and the sidecar never sees either: it reads regions only. Waits until
 * a sample of tenants (the last written among them) answers at every region with the expected
 * size, prints one line {@code READY <json>} and runs until its standard input closes.
 *
 * <pre>java ... dev.tcs.bench.reads.SidecarMemorySystem CONFIG_DIR TENANTS VIEW_BYTES</pre>
 */
public final class SidecarMemorySystem {
  static final String READY = "READY ";
  static final String CONSUMER = "jira";
  private static final int APPEND_BATCH = 1000;
  private static final String PROBE = "memory-probe";

  private SidecarMemorySystem() {}

  public static void main(String[] args) throws Exception {
    Path configDir = Path.of(args[0]).toAbsolutePath();
    int tenants = Integer.parseInt(args[1]);
    int viewBytes = Integer.parseInt(args[2]);
    DemoSystem system = DemoSystem.start(new DemoSystem.Options(configDir, System.getenv(), true));
    Runtime.getRuntime().addShutdownHook(new Thread(system::close, "memory-bench-system-shutdown"));
    try {
      Vertx vertx = system.vertx();
      HttpClientAgent http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false), new PoolOptions().setHttp1MaxSize(8));
      String writer = system.tokens().issue("bench-writer", Set.of(Principal.WRITER), Duration.ofHours(12));
      String reader = system.tokens().issue(CONSUMER, Set.of(Principal.READER), Duration.ofHours(12));
      String home = "us-east";
      String homeRegion = system.endpoints().regions().getOrDefault(home, system.endpoints().regions().values().iterator().next());

      put(http, system.endpoints().catalogue(), writer, ReadBenchSystem.tenantDoc(PROBE, 10)).await();
      HttpClientResponse probe = await(vertx, http, homeRegion, reader, PROBE, -1);
      long revision = Long.parseLong(probe.getHeader(ReadApi.REVISION));

      Hmac viewKey = Hmac.fromConfig(Settings.of("demo", ConfigLoader.load(vertx, configDir.resolve("demo.yaml"), System.getenv(), "TCS_DEMO").await()).section("auth"), "view-key");
      EventLog views = ViewTags.signing(new KafkaEventLog(vertx, KafkaSettings.of(system.infra().kafka().bootstrapServers(), "tcs-memory-bench")), Topics.VIEWS, viewKey);
      ViewDefinitions definitions = ViewDefinitions.fromJson(ConfigLoader.load(vertx, configDir.resolve("views.yaml"), Map.of(), "TCS_VIEWS").await());
      int pad = padFor(definitions, viewBytes, revision);
      long started = System.nanoTime();
      for (int from = 0; from < tenants; from += APPEND_BATCH) {
        List<Append> batch = new ArrayList<>();
        for (int i = from; i < Math.min(tenants, from + APPEND_BATCH); i++) {
          batch.add(new Append(tenantId(i), view(definitions, tenantId(i), revision, pad).toBuffer()));
        }
        views.appendAll(Topics.VIEWS, batch).await();
      }
      System.out.printf("appended %d views in %d ms%n", tenants, (System.nanoTime() - started) / 1_000_000);
      // Each partition is ingested in order: the last tenant of each of many spread ids is the last of its partition.
      for (String region : system.endpoints().regions().values()) {
        for (int i = tenants - 1; i >= Math.max(0, tenants - 64); i--) {
          await(vertx, http, region, reader, tenantId(i), viewBytes);
        }
        for (int i = 0; i < tenants; i += Math.max(1, tenants / 64)) {
          await(vertx, http, region, reader, tenantId(i), viewBytes);
        }
      }
      System.out.printf("ingested by every region after %d ms%n", (System.nanoTime() - started) / 1_000_000);

      JsonObject ready =
          new JsonObject()
              .put("regions", new JsonObject(new LinkedHashMap<>(system.endpoints().regions())))
              .put("home", home)
              .put("hazelcastCluster", "tcs-" + home)
              .put("hazelcastMembers", new JsonArray(system.infra().hazelcastAddresses("tcs-" + home)))
              .put("readerToken", reader)
              .put("tenants", tenants)
              .put("viewBytes", viewBytes);
      ReadBenchSystem.announceAndWait(ready);
    } finally {
      System.exit(0); // the shutdown hook closes the system
    }
  }

  /** The bench's i-th tenant id. */
  static String tenantId(int i) {
    return String.format("mem-%06d", i);
  }

  /** The jira view of {@code id} (no hosts), as the projector builds it from {@link ReadBenchSystem#tenantDoc}. */
  static View view(ViewDefinitions definitions, String id, long revision, int pad) {
    return new View(id, CONSUMER, versionOf(id), revision, List.of(), false, definitions.slice(CONSUMER, ReadBenchSystem.tenantDoc(id, pad)));
  }

  /**
   * The catalogue version of a bench tenant's view: spread over 1..1000 (tenants change at different
   * rates), so that the cache holds many distinct ETags and version headers, as a real fleet does.
   */
  static long versionOf(String id) {
    return 1 + Integer.parseInt(id.substring(id.length() - 6)) % 1000;
  }

  /** The padding that makes a view body {@code viewBytes} long (ids all have the same length). */
  private static int padFor(ViewDefinitions definitions, int viewBytes, long revision) {
    int unpadded = view(definitions, tenantId(0), revision, 1).body().encode().getBytes(StandardCharsets.UTF_8).length;
    return Math.max(1, 1 + viewBytes - unpadded);
  }

  private static Future<Void> put(HttpClientAgent http, String catalogue, String writer, JsonObject doc) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.PUT)
            .setAbsoluteURI(catalogue + "/v1/tenants/" + doc.getString("tenantId"))
            .putHeader("Authorization", "Bearer " + writer)
            .putHeader("Content-Type", "application/json");
    return http.request(options)
        .compose(request -> request.send(doc.toBuffer()))
        .compose(response -> response.body().compose(body -> response.statusCode() / 100 == 2
            ? Future.<Void>succeededFuture()
            : Future.failedFuture("PUT " + doc.getString("tenantId") + " answered " + response.statusCode() + ": " + body)));
  }

  /** Polls {@code region} until the tenant answers 200 (with a body of {@code length} bytes if not negative). */
  private static HttpClientResponse await(Vertx vertx, HttpClientAgent http, String region, String token, String tenant, int length) {
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    String last = "nothing";
    while (System.nanoTime() < deadline) {
      RequestOptions options =
          new RequestOptions()
              .setMethod(HttpMethod.GET)
              .setAbsoluteURI(region + "/v1/tenants/" + tenant + "/context")
              .putHeader("Authorization", "Bearer " + token)
              .putHeader("Cache-Control", "no-cache")
              .setIdleTimeout(5_000);
      try {
        HttpClientResponse[] response = new HttpClientResponse[1];
        // Bounded as a whole: a request waiting for a pooled connection knows no idle timeout.
        Buffer body = http.request(options).compose(request -> request.send()).compose(r -> {
          response[0] = r;
          return r.body();
        }).timeout(10, TimeUnit.SECONDS).await();
        if (response[0].statusCode() == 200 && (length < 0 || body.length() == length)) {
          return response[0];
        }
        last = response[0].statusCode() + " (" + body.length() + " bytes)";
      } catch (Exception e) {
        last = e.toString();
      }
      vertx.timer(100).await();
    }
    throw new IllegalStateException("tenant " + tenant + " not readable at " + region + " within 10 min; last answer: " + last);
  }
}
