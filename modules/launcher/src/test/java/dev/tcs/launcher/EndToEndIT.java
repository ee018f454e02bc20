package dev.tcs.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.auth.Principal;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole system as the demo runs it (embedded Kafka, DynamoDB Local, Hazelcast; catalogue,
 * projector, three regions, sidecar), driven only through its HTTP APIs.
 */
class EndToEndIT {
  private static final Duration PROPAGATION = Duration.ofSeconds(30);
  private static DemoSystem system;
  private static HttpClient http;
  private static String writer;
  private static String jira;
  private static String ingress;

  @BeforeAll
  static void startSystem() {
    system = DemoSystem.start(new DemoSystem.Options(Path.of("../../config").toAbsolutePath().normalize(), Map.of(), true));
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    writer = system.tokens().issue("e2e-writer", Set.of(Principal.WRITER), Duration.ofHours(1));
    jira = system.tokens().issue("jira", Set.of(Principal.READER), Duration.ofHours(1));
    ingress = system.tokens().issue("network-ingress", Set.of(Principal.READER), Duration.ofHours(1));
  }

  @AfterAll
  static void stopSystem() {
    if (system != null) {
      system.close();
    }
  }

  @Test
  void tenantWrittenAtCatalogue_readableFromSidecarAndEveryRegion() throws Exception {
    JsonObject acme = exampleContext("e2e-acme", "e2e-acme.example.net");
    assertEquals(201, put("e2e-acme", acme).statusCode());

    HttpResponse<String> viaSidecar = awaitStatus(system.endpoints().sidecar() + "/v1/tenants/e2e-acme/context", jira, 200);
    JsonObject body = new JsonObject(viaSidecar.body());
    assertEquals("acme_jira", body.getJsonObject("jira").getString("db-user"));
    assertEquals("jira", body.getJsonArray("products").getString(0));
    assertFalse(body.containsKey("network-ingress"));

    for (Map.Entry<String, String> region : system.endpoints().regions().entrySet()) {
      HttpResponse<String> answer = awaitStatus(region.getValue() + "/v1/tenants/e2e-acme/context", jira, 200);
      assertEquals(region.getKey(), answer.headers().firstValue("TCS-Region").orElse(null), "region header");
      assertEquals(body, new JsonObject(answer.body()));
    }
  }

  @Test
  void networkIngressToken_neverSeesJiraFieldsByAnyPath() throws Exception {
    assertEquals(201, put("e2e-globex", exampleContext("e2e-globex", "e2e-globex.example.net")).statusCode());
    awaitStatus(system.endpoints().sidecar() + "/v1/tenants/e2e-globex/context", jira, 200);

    for (String base : allReadEndpoints()) {
      for (String path : new String[] {"/v1/tenants/e2e-globex/context", "/v1/hosts/e2e-globex.example.net/context"}) {
        HttpResponse<String> answer = awaitStatus(base + path, ingress, 200);
        JsonObject body = new JsonObject(answer.body());
        assertTrue(body.containsKey("network-ingress"), base + path);
        assertFalse(answer.body().contains("db-password"), base + path + " leaked a credential");
        assertFalse(answer.body().contains("globex_jira"), base + path + " leaked the jira database user");
        assertFalse(body.containsKey("jira"), base + path);
      }
    }
  }

  @Test
  void consumerWithoutView_isForbidden_andMissingToken_isUnauthorized() throws Exception {
    String billing = system.tokens().issue("billing", Set.of(Principal.READER), Duration.ofHours(1));
    assertEquals(201, put("e2e-initech", exampleContext("e2e-initech", "e2e-initech.example.net")).statusCode());
    awaitStatus(system.endpoints().sidecar() + "/v1/tenants/e2e-initech/context", jira, 200);
    for (String base : allReadEndpoints()) {
      HttpResponse<String> forbidden = get(base + "/v1/tenants/e2e-initech/context", billing);
      assertEquals(403, forbidden.statusCode(), base);
      assertEquals("application/problem+json", forbidden.headers().firstValue("Content-Type").orElse(""));
      assertEquals(401, get(base + "/v1/tenants/e2e-initech/context", null).statusCode(), base);
      assertEquals(404, get(base + "/v1/tenants/no-such-tenant/context", jira).statusCode(), base);
    }
  }

  @Test
  void updateAtCatalogue_reachesSidecarWithNewVersion() throws Exception {
    JsonObject hooli = exampleContext("e2e-hooli", "e2e-hooli.example.net");
    assertEquals(201, put("e2e-hooli", hooli).statusCode());
    String url = system.endpoints().sidecar() + "/v1/tenants/e2e-hooli/context";
    awaitStatus(url, jira, 200);

    hooli.getJsonObject("jira").put("db-user", "hooli_jira_v2");
    assertEquals(200, put("e2e-hooli", hooli).statusCode());
    HttpResponse<String> updated =
        await(url, jira, response -> response.statusCode() == 200 && response.body().contains("hooli_jira_v2"));
    assertEquals("2", updated.headers().firstValue("TCS-Version").orElse(null));
  }

  @Test
  void readApi_speaksHttp2CleartextWithPriorKnowledge() throws Exception {
    assertEquals(201, put("e2e-h2c", exampleContext("e2e-h2c", "e2e-h2c.example.net")).statusCode());
    awaitStatus(system.endpoints().sidecar() + "/v1/tenants/e2e-h2c/context", jira, 200);
    var client =
        system.vertx().createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
    try {
      for (String base : allReadEndpoints()) {
        var response =
            client
                .request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(base + "/v1/tenants/e2e-h2c/context").putHeader("Authorization", "Bearer " + jira))
                .compose(request -> request.send().compose(r -> r.body().map(b -> r)))
                .await();
        assertEquals(HttpVersion.HTTP_2, response.version(), base);
        assertEquals(200, response.statusCode(), base);
      }
    } finally {
      client.close().await();
    }
  }

  /**
   * {@code tcs replay} with a new definitions revision while writes flow: every tenant stays
   * readable at every region and the sidecar, no reader sees a version go backwards, and every
   * tenant ends in the new shape at its last written version, writes made after the replay included.
   */
  @Test
  void replayWithNewDefinitionsUnderLiveWrites_everyTenantReadableNoVersionBackwardsNewShapeEverywhere() throws Exception {
    java.util.List<String> tenants = java.util.List.of("e2e-r0", "e2e-r1", "e2e-r2", "e2e-r3");
    Map<String, Long> written = new java.util.concurrent.ConcurrentHashMap<>();
    for (String tenant : tenants) {
      assertEquals(201, put(tenant, exampleContext(tenant, tenant + ".example.net")).statusCode());
      written.put(tenant, 1L);
    }
    for (String tenant : tenants) {
      for (String base : allReadEndpoints()) {
        awaitStatus(base + "/v1/tenants/" + tenant + "/context", jira, 200);
      }
    }
    java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
    java.util.List<String> problems = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    Thread writes =
        new Thread(
            () -> {
              int n = 0;
              while (running.get()) {
                String tenant = tenants.get(n++ % tenants.size());
                try {
                  HttpResponse<String> answer = put(tenant, exampleContext(tenant, tenant + ".example.net").put("round", n));
                  if (answer.statusCode() != 200) {
                    problems.add("PUT " + tenant + " answered " + answer.statusCode());
                  } else {
                    written.put(tenant, Long.parseLong(answer.headers().firstValue("ETag").orElse("0").replaceAll("[^0-9]", "")));
                  }
                } catch (Exception e) {
                  problems.add("PUT " + tenant + " failed " + e);
                }
              }
            },
            "e2e-writes");
    Thread reads =
        new Thread(
            () -> {
              Map<String, Long> seen = new java.util.HashMap<>();
              while (running.get()) {
                for (String tenant : tenants) {
                  for (String base : allReadEndpoints()) {
                    try {
                      HttpResponse<String> answer = get(base + "/v1/tenants/" + tenant + "/context", jira);
                      if (answer.statusCode() != 200) {
                        problems.add(base + " " + tenant + " answered " + answer.statusCode());
                        continue;
                      }
                      long version = Long.parseLong(answer.headers().firstValue("TCS-Version").orElse("0"));
                      Long before = seen.put(base + tenant, version);
                      if (before != null && version < before) {
                        problems.add(base + " " + tenant + " went back from " + before + " to " + version);
                      }
                    } catch (Exception e) {
                      problems.add(base + " " + tenant + " failed " + e);
                    }
                  }
                }
              }
            },
            "e2e-reads");
    writes.start();
    reads.start();

    ConfigFiles files = new ConfigFiles(system.vertx(), Path.of("../../config").toAbsolutePath().normalize(), Map.of());
    JsonObject projectorJson = ComponentKeys.joinDemo(files.load("projector"), files.load("demo")); // the demo's view key
    projectorJson.getJsonObject("kafka").put("bootstrap-servers", system.infra().kafka().bootstrapServers());
    dev.tcs.projector.ProjectorConfig config = dev.tcs.projector.ProjectorConfig.from(dev.tcs.core.config.Settings.of("", projectorJson));
    JsonObject viewsJson = files.views();
    viewsJson.put("revision", viewsJson.getLong("revision") + 1);
    viewsJson.getJsonObject("consumers").getJsonObject("jira").getJsonArray("include").add("/hosts");
    dev.tcs.core.model.ViewDefinitions newShape = dev.tcs.core.model.ViewDefinitions.fromJson(viewsJson);
    dev.tcs.core.log.KafkaEventLog eventLog =
        new dev.tcs.core.log.KafkaEventLog(system.vertx(), dev.tcs.core.log.KafkaSettings.of(system.infra().kafka().bootstrapServers(), "e2e-replay"));
    try {
      dev.tcs.projector.RebuildResult result =
          dev.tcs.projector.Projector.rebuild(system.vertx(), config, newShape, eventLog, dev.tcs.core.metrics.Metrics.prometheus()).await();
      assertTrue(result.published());
      system.vertx().timer(1_000).await(); // writes go on after the replay
    } finally {
      running.set(false);
      writes.join();
      reads.join();
      eventLog.close().await();
    }

    assertEquals(java.util.List.of(), problems);
    for (String tenant : tenants) {
      long last = written.get(tenant);
      for (String base : allReadEndpoints()) {
        await(
            base + "/v1/tenants/" + tenant + "/context",
            jira,
            r -> r.statusCode() == 200
                && String.valueOf(last).equals(r.headers().firstValue("TCS-Version").orElse(null))
                && new JsonObject(r.body()).containsKey("hosts"));
      }
    }
  }

  private static Iterable<String> allReadEndpoints() {
    var all = new java.util.ArrayList<>(system.endpoints().regions().values());
    all.add(system.endpoints().sidecar());
    return all;
  }

  private static JsonObject exampleContext(String tenantId, String host) {
    String user = tenantId.replace("e2e-", "") + "_jira";
    return new JsonObject()
        .put("tenantId", tenantId)
        .put("hosts", new io.vertx.core.json.JsonArray().add(host))
        .put("products", new io.vertx.core.json.JsonArray().add("jira").add("confluence"))
        .put("jira", new JsonObject().put("db-user", user).put("db-password", "pw-" + tenantId))
        .put("network-ingress", new JsonObject().put("/", "http://jira-us-east.internal").put("/wiki", "http://confluence-eu-west.internal"));
  }

  private static HttpResponse<String> put(String tenantId, JsonObject document) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(system.endpoints().catalogue() + "/v1/tenants/" + tenantId))
            .header("Authorization", "Bearer " + writer)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(document.encode()))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String url, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET().timeout(Duration.ofSeconds(5));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> awaitStatus(String url, String token, int status) throws Exception {
    return await(url, token, response -> response.statusCode() == status);
  }

  /** Polls {@code url} until {@code done} holds, for at most {@link #PROPAGATION}. */
  private static HttpResponse<String> await(String url, String token, Predicate<HttpResponse<String>> done) throws Exception {
    long deadline = System.nanoTime() + PROPAGATION.toNanos();
    HttpResponse<String> last = null;
    while (System.nanoTime() < deadline) {
      last = get(url, token);
      if (done.test(last)) {
        return last;
      }
      system.vertx().timer(50).toCompletionStage().toCompletableFuture().join();
    }
    throw new AssertionError("gave up waiting on " + url + ", last answer " + (last == null ? "none" : last.statusCode() + " " + last.body()));
  }
}
