package dev.tcs.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.HazelcastInstance;
import dev.tcs.core.auth.AuthConfig;
import dev.tcs.core.auth.Principal;
import dev.tcs.core.auth.Tokens;
import dev.tcs.core.config.Settings;
import dev.tcs.core.model.Invalidation;
import dev.tcs.infra.EmbeddedHazelcast;
import dev.tcs.infra.Eventually;
import dev.tcs.infra.FreePorts;
import dev.tcs.infra.LocalInfra;
import dev.tcs.infra.LocalInfraExtension;
import dev.tcs.infra.TestNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.concurrent.atomic.AtomicBoolean;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The sidecar against fake regions (small h2c servers answering canned views) and a real
 * Hazelcast member of its home region, driven only through its HTTP API and the topic.
 */
@ExtendWith(LocalInfraExtension.class)
class SidecarIT {
  private static final String INVALIDATION_KEY = "test-secret-for-views-and-invalidations-0123456789";
  private static final Path CONFIG = Path.of("../../config");

  private static Vertx vertx;
  private static Tokens tokens;
  private static HazelcastInstance member;
  private static HazelcastInstance client;
  private static String jiraToken;
  private static String ingressToken;

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
  private final List<FakeRegion> regions = new ArrayList<>();
  private PrometheusMeterRegistry registry;
  private String deployment;
  private int port;
  private JsonObject httpTls;
  private JsonObject regionTls;
  private JsonObject prefetch;
  private boolean refreshInvalidated = true;
  /** No grace by default: these tests read right after an invalidation and expect the newer version; the grace test sets its own. */
  private String refreshGrace = "0s";

  @BeforeAll
  static void startShared(LocalInfra infra) throws IOException {
    vertx = Vertx.vertx();
    String cluster = TestNames.unique("tcs-sidecar");
    member = infra.hazelcastMember(cluster);
    client = EmbeddedHazelcast.startClient(cluster, infra.hazelcastAddresses(cluster));
    AuthConfig auth =
        new AuthConfig(
            Files.readString(CONFIG.resolve("demo-keys/jwt-public.pem")),
            Files.readString(CONFIG.resolve("demo-keys/jwt-private.pem")),
            "tcs-demo",
            "tcs",
            Duration.ofSeconds(5));
    tokens = new Tokens(vertx, auth);
    jiraToken = tokens.issue("jira", Set.of(Principal.READER), Duration.ofHours(1));
    ingressToken = tokens.issue("network-ingress", Set.of(Principal.READER), Duration.ofHours(1));
    warmUp();
  }

  /** One h2c read before the tests, so no test's region timeout pays for loading HTTP/2 and JWT classes. */
  private static void warmUp() {
    try {
      FakeRegion region = await(new FakeRegion("warm-up", tokens).serve("warm-up", 1, "warm-up.example.net").start(vertx));
      HttpClientAgent h2c = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
      await(
          h2c.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(region.url() + "/v1/tenants/warm-up/context")
                  .putHeader("Authorization", "Bearer " + jiraToken))
              .compose(request -> request.send().compose(HttpClientResponse::body)));
      await(h2c.close());
      await(region.stop());
    } catch (Exception e) {
      throw new IllegalStateException("warm-up failed", e);
    }
  }

  @AfterAll
  static void stopShared() throws Exception {
    if (client != null) {
      client.shutdown();
    }
    if (vertx != null) {
      await(vertx.close());
    }
  }

  @AfterEach
  void undeploy() throws Exception {
    if (deployment != null) {
      await(vertx.undeploy(deployment));
    }
  }

  // ---- scenarios ----

  /**
   * Regression: the sidecar refused https region URLs, so tokens and credentials crossed regions
   * in cleartext. Here the region requires the sidecar's client certificate (mutual TLS), and the
   * sidecar itself serves HTTPS; both negotiate HTTP/2 by ALPN.
   */
  @Test
  void read_httpsRegionWithMutualTls_servedOverHttp2() throws Exception {
    io.vertx.core.net.SelfSignedCertificate regionCert = io.vertx.core.net.SelfSignedCertificate.create("localhost");
    io.vertx.core.net.SelfSignedCertificate sidecarCert = io.vertx.core.net.SelfSignedCertificate.create("localhost");
    String tenant = TestNames.unique("acme");
    FakeRegion region = await(new FakeRegion("us-east", tokens).serve(tenant, 4, tenant + ".example.net")
        .start(vertx, new dev.tcs.core.http.Tls.Server(regionCert.certificatePath(), regionCert.privateKeyPath(), sidecarCert.certificatePath())));
    regions.add(region);
    httpTls = new JsonObject().put("cert", sidecarCert.certificatePath()).put("key", sidecarCert.privateKeyPath());
    regionTls =
        new JsonObject().put("trust", regionCert.certificatePath()).put("cert", sidecarCert.certificatePath()).put("key", sidecarCert.privateKeyPath());
    startSidecar(region);

    HttpClientAgent https = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setUseAlpn(true).setProtocolVersion(HttpVersion.HTTP_2)
        .setTrustOptions(new io.vertx.core.net.PemTrustOptions().addCertPath(sidecarCert.certificatePath())));
    try {
      // Status, headers and body in one chain: a body that ends before body() is asked for is lost.
      JsonObject answer = await(https.request(new RequestOptions().setMethod(HttpMethod.GET)
              .setAbsoluteURI("https://localhost:" + port + "/v1/tenants/" + tenant + "/context").putHeader("Authorization", "Bearer " + jiraToken))
          .compose(request -> request.send())
          .compose(response -> response.body().map(body -> new JsonObject()
              .put("status", response.statusCode())
              .put("version", response.version().name())
              .put("tcsVersion", response.getHeader("TCS-Version"))
              .put("body", body.toString()))));
      assertEquals(200, answer.getInteger("status"), answer.getString("body"));
      assertEquals(HttpVersion.HTTP_2.name(), answer.getString("version"));
      assertEquals("4", answer.getString("tcsVersion"));
      assertEquals(1, region.requests());
    } finally {
      await(https.close());
    }
  }

  @Test
  void read_httpsRegionRequiringClientCertificate_refusesASidecarWithout() throws Exception {
    io.vertx.core.net.SelfSignedCertificate regionCert = io.vertx.core.net.SelfSignedCertificate.create("localhost");
    io.vertx.core.net.SelfSignedCertificate sidecarCert = io.vertx.core.net.SelfSignedCertificate.create("localhost");
    String tenant = TestNames.unique("acme");
    FakeRegion region = await(new FakeRegion("us-east", tokens).serve(tenant, 4, tenant + ".example.net")
        .start(vertx, new dev.tcs.core.http.Tls.Server(regionCert.certificatePath(), regionCert.privateKeyPath(), sidecarCert.certificatePath())));
    regions.add(region);
    regionTls = new JsonObject().put("trust", regionCert.certificatePath());
    startSidecar(region);

    HttpResponse<String> answer = get("/v1/tenants/" + tenant + "/context", jiraToken, null);
    assertEquals(503, answer.statusCode(), answer.body());
    assertEquals(0, region.requests(), "no request got past the handshake");
  }

  /**
   * Regression: a consumer removed from views.yaml (its regions now answer 403) was still answered
   * from the sidecar's cache for up to its ttl, an hour.
   */
  @Test
  void revocation_consumerRemovedAtRegions_sidecarStopsAnsweringWithinRecheck() throws Exception {
    String tenant = TestNames.unique("acme");
    String host = tenant + ".example.net";
    SteppingClock clock = new SteppingClock();
    FakeRegion region = region("us-east").serve(tenant, 1, host);
    startSidecar(clock, region);
    assertEquals(200, get("/v1/tenants/" + tenant + "/context", jiraToken, null).statusCode());
    assertEquals(200, get("/v1/hosts/" + host + "/context", jiraToken, null).statusCode());
    int asked = region.requests();
    assertEquals(200, get("/v1/tenants/" + tenant + "/context", jiraToken, null).statusCode());
    assertEquals(asked, region.requests(), "answered from the cache");

    region.revoke("jira");
    clock.advance(dev.tcs.sidecar.cache.ConsumerGrants.RECHECK_AFTER.plusSeconds(1));

    HttpResponse<String> revoked = get("/v1/tenants/" + tenant + "/context", jiraToken, null);
    assertEquals(403, revoked.statusCode(), revoked.body());
    assertEquals(403, get("/v1/hosts/" + host + "/context", jiraToken, null).statusCode(), "every cached entry of the consumer is gone");
    assertEquals(403, get("/v1/tenants/" + tenant + "/context", jiraToken, null).statusCode());
    assertEquals(200, get("/v1/tenants/" + tenant + "/context", ingressToken, null).statusCode(), "other consumers are untouched");
  }

  /** A clock that moves only when told. */
  private static final class SteppingClock extends Clock {
    private final java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong(System.currentTimeMillis() * 1_000_000L);

    void advance(Duration by) {
      nanos.addAndGet(by.toNanos());
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public java.time.Instant instant() {
      long now = nanos.get();
      return java.time.Instant.ofEpochSecond(now / 1_000_000_000L, now % 1_000_000_000L);
    }
  }

  @Test
  void read_miss_fetchesOnceThenAnswersFromCache() throws Exception {
    String tenant = TestNames.unique("acme");
    startSidecar(region("us-east").serve(tenant, 1, tenant + ".example.net"));

    HttpResponse<String> first = get("/v1/tenants/" + tenant + "/context", jiraToken, null);
    int asked = totalRequests();
    HttpResponse<String> second = get("/v1/tenants/" + tenant + "/context", jiraToken, null);

    assertEquals(200, first.statusCode(), first.body());
    assertEquals("1", first.headers().firstValue("TCS-Version").orElseThrow());
    assertEquals("1", first.headers().firstValue("TCS-Revision").orElseThrow());
    assertEquals(tenant, first.headers().firstValue("TCS-Tenant").orElseThrow());
    assertEquals("us-east", first.headers().firstValue("TCS-Region").orElseThrow());
    assertEquals("\"" + tenant + "-1\"", first.headers().firstValue("ETag").orElseThrow());
    assertEquals(tenant + "_jira", new JsonObject(first.body()).getJsonObject("jira").getString("db-user"));
    assertEquals(first.body(), second.body());
    for (String header : List.of("TCS-Version", "TCS-Revision", "TCS-Tenant", "TCS-Region", "ETag", "Content-Type")) {
      assertEquals(first.headers().firstValue(header), second.headers().firstValue(header), header + " of the hit");
    }
    assertTrue(first.headers().firstValue("X-Request-Id").isPresent(), "a miss keeps its request id");
    assertTrue(second.headers().firstValue("X-Request-Id").isEmpty(), "a hit carries no generated request id (HPACK)");
    assertEquals(asked, totalRequests(), "the second read must not reach a region");
    assertEquals(1.0, counter(SidecarMetrics.READS, "outcome", "hit"));
    assertEquals(1.0, counter(SidecarMetrics.READS, "outcome", "miss"));
    assertEquals(1L, registry.find(SidecarMetrics.READ_LATENCY).tags("outcome", "hit").timer().count());
    assertEquals(1L, registry.find(SidecarMetrics.READ_LATENCY).tags("outcome", "miss").timer().count());
  }

  @Test
  void session_standsForTheToken_missesAskRegionsWithTheTokenAndHitsAnswerLocally() throws Exception {
    String tenant = TestNames.unique("acme");
    String later = TestNames.unique("acme");
    startSidecar(region("us-east").serve(tenant, 1, tenant + ".example.net").serve(later, 2, later + ".example.net"));

    HttpResponse<String> opened = send("POST", "/v1/sessions", "Bearer " + jiraToken);
    assertEquals(200, opened.statusCode(), opened.body());
    assertEquals("no-store", opened.headers().firstValue("Cache-Control").orElseThrow());
    JsonObject body = new JsonObject(opened.body());
    String session = body.getString("authorization");
    assertTrue(session.matches("Session [A-Za-z0-9_-]{22}"), session);
    assertEquals("jira", body.getString("subject"));
    assertEquals(session, new JsonObject(send("POST", "/v1/sessions", "Bearer " + jiraToken).body()).getString("authorization"), "one session per token");

    // The fake region verifies what it is sent: a miss answers only if the sidecar sent the token on, not the handle.
    HttpResponse<String> miss = send("GET", "/v1/tenants/" + tenant + "/context", session);
    int asked = totalRequests();
    HttpResponse<String> hit = send("GET", "/v1/tenants/" + tenant + "/context", session);
    assertEquals(200, miss.statusCode(), miss.body());
    assertEquals(tenant + "_jira", new JsonObject(miss.body()).getJsonObject("jira").getString("db-user"));
    assertEquals(miss.body(), hit.body());
    assertEquals(asked, totalRequests(), "the hit must not reach a region");
    assertEquals(200, send("GET", "/v1/hosts/" + later + ".example.net/context", session).statusCode());
    assertEquals(miss.body(), get("/v1/tenants/" + tenant + "/context", jiraToken, null).body(), "the token reads the same slice");
  }

  @Test
  void session_unknownHandleOrWrongCredentials_401And403Problems() throws Exception {
    String tenant = TestNames.unique("acme");
    startSidecar(region("us-east").serve(tenant, 1, tenant + ".example.net"));
    String session = new JsonObject(send("POST", "/v1/sessions", "Bearer " + jiraToken).body()).getString("authorization");
    String writer = tokens.issue("catalogue-admin", Set.of(Principal.WRITER), Duration.ofMinutes(5));

    HttpResponse<String> guessed = send("GET", "/v1/tenants/" + tenant + "/context", "Session " + "A".repeat(22));
    HttpResponse<String> sessionForASession = send("POST", "/v1/sessions", session);
    HttpResponse<String> noToken = send("POST", "/v1/sessions", null);
    HttpResponse<String> writerToken = send("POST", "/v1/sessions", "Bearer " + writer);

    assertEquals(401, guessed.statusCode(), guessed.body());
    assertEquals("application/problem+json", guessed.headers().firstValue("Content-Type").orElseThrow());
    assertTrue(new JsonObject(guessed.body()).getString("detail").contains("session"), guessed.body());
    assertEquals(401, sessionForASession.statusCode(), sessionForASession.body());
    assertEquals(401, noToken.statusCode(), noToken.body());
    assertEquals("Authorization", new JsonObject(noToken.body()).getString("field"));
    assertEquals(403, writerToken.statusCode(), writerToken.body());
    assertEquals(0, totalRequests(), "no region was asked");
  }

  @Test
  void undeploy_removesEverySidecarMeter() throws Exception {
    String tenant = TestNames.unique("acme");
    startSidecar(region("us-east").serve(tenant, 1, tenant + ".example.net"));
    assertEquals(200, get("/v1/tenants/" + tenant + "/context", jiraToken, null).statusCode());
    assertTrue(registry.find(SidecarMetrics.CACHE_SIZE).gauge() != null);

    await(vertx.undeploy(deployment));
    deployment = null;

    assertTrue(registry.getMeters().stream().noneMatch(m -> m.getId().getName().startsWith("tcs.sidecar.")),
        () -> "left behind: " + registry.getMeters().stream().map(m -> m.getId().getName()).filter(n -> n.startsWith("tcs.")).toList());
  }

  @Test
  void read_ifNoneMatchOfCachedValue_answers304() throws Exception {
    String tenant = TestNames.unique("acme");
    startSidecar(region("us-east").serve(tenant, 4, tenant + ".example.net"));
    String etag = get("/v1/tenants/" + tenant + "/context", jiraToken, null).headers().firstValue("ETag").orElseThrow();

    HttpResponse<String> notModified = get("/v1/tenants/" + tenant + "/context", jiraToken, etag);

    assertEquals(304, notModified.statusCode());
    assertEquals("4", notModified.headers().firstValue("TCS-Version").orElseThrow());
  }

  @Test
  void read_overH2cPriorKnowledge_isServed() throws Exception {
    String tenant = TestNames.unique("acme");
    startSidecar(region("us-east").serve(tenant, 2, tenant + ".example.net"));
    HttpClientAgent h2c =
        vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
    try {
      HttpClientResponse response =
          await(
              h2c.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
                      .setURI("/v1/tenants/" + tenant + "/context").putHeader("Authorization", "Bearer " + jiraToken))
                  .compose(request -> request.send().compose(r -> r.body().map(body -> r))));

      assertEquals(HttpVersion.HTTP_2, response.version());
      assertEquals(200, response.statusCode());
      assertEquals("2", response.getHeader("TCS-Version"));
    } finally {
      await(h2c.close());
    }
  }

  @Test
  void read_appResetsHundredsOfStreams_connectionStaysOpen() throws Exception {
    String tenant = TestNames.unique("acme");
    FakeRegion usEast = region("us-east").serve(tenant, 2, tenant + ".example.net").delay(Duration.ofSeconds(2));
    startSidecar(usEast);
    HttpClientAgent h2c =
        vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
    try {
      HttpClientConnection connection = await(h2c.connect(new HttpConnectOptions().setHost("127.0.0.1").setPort(port)));
      AtomicBoolean closed = new AtomicBoolean();
      connection.closeHandler(v -> closed.set(true));
      RequestOptions read =
          new RequestOptions().setMethod(HttpMethod.GET).setURI("/v1/tenants/" + tenant + "/context").putHeader("Authorization", "Bearer " + jiraToken);

      // The application gives up 300 reads of a slow miss, more than Netty's default guard allows
      // on one connection (200 RST_STREAM frames in 30 s); the sidecar has answered none of them.
      for (int i = 0; i < 300; i++) {
        await(connection.request(read).compose(request -> request.sendHead().compose(v -> request.reset())));
      }
      usEast.delay(Duration.ZERO);
      // The slow fetch those reads started may still end in a 503 (request timeout); the next is a 200.
      Eventually.until(Duration.ofSeconds(10), "a read on the same connection answered 200", () -> {
        try {
          return await(connection.request(read).compose(request -> request.send().compose(r -> r.body().map(body -> r)))).statusCode() == 200;
        } catch (Exception e) {
          throw new AssertionError("the read failed on the application's connection", e);
        }
      });
      assertFalse(closed.get(), "the sidecar closed the application's connection");
    } finally {
      await(h2c.close());
    }
  }

  @Test
  void read_slowPrimary_answersFastFromSecondary() throws Exception {
    String tenant = TestNames.unique("acme");
    startSidecar(
        region("us-east").serve(tenant, 1, tenant + ".example.net").delay(Duration.ofSeconds(2)),
        region("eu-west").serve(tenant, 1, tenant + ".example.net"),
        region("ap-south").serve(tenant, 1, tenant + ".example.net"));

    long started = System.nanoTime();
    HttpResponse<String> response = get("/v1/tenants/" + tenant + "/context", jiraToken, null);
    long tookMillis = (System.nanoTime() - started) / 1_000_000;

    assertEquals(200, response.statusCode(), response.body());
    assertTrue(tookMillis < 1_000, "took " + tookMillis + " ms");
    assertTrue(Set.of("eu-west", "ap-south").contains(response.headers().firstValue("TCS-Region").orElseThrow()));
  }

  @Test
  void read_deadPrimary_answersFromSecondary() throws Exception {
    String tenant = TestNames.unique("acme");
    FakeRegion euWest = region("eu-west").serve(tenant, 1, tenant + ".example.net");
    startSidecar("http://127.0.0.1:" + FreePorts.one(), euWest);

    HttpResponse<String> response = get("/v1/tenants/" + tenant + "/context", jiraToken, null);

    assertEquals(200, response.statusCode(), response.body());
    assertEquals("eu-west", response.headers().firstValue("TCS-Region").orElseThrow());
    double failedOrAbandoned =
        counter(SidecarMetrics.REGION_REQUESTS, "region", "us-east", "outcome", "error")
            + counter(SidecarMetrics.REGION_REQUESTS, "region", "us-east", "outcome", "cancelled");
    assertEquals(1.0, failedOrAbandoned);
  }

  @Test
  void read_noRegionAnswers_answers503Problem() throws Exception {
    startSidecar("http://127.0.0.1:" + FreePorts.one(), "http://127.0.0.1:" + FreePorts.one());

    HttpResponse<String> response = get("/v1/tenants/acme/context", jiraToken, null);

    assertEquals(503, response.statusCode());
    assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElseThrow());
    assertTrue(new JsonObject(response.body()).getString("detail").startsWith("no region answered"), response.body());
    assertEquals(1.0, counter(SidecarMetrics.READS, "outcome", "error"));
  }

  @Test
  void read_withoutToken_answers401WithoutAskingRegions() throws Exception {
    startSidecar(region("us-east"));

    HttpResponse<String> response = get("/v1/tenants/acme/context", null, null);

    assertEquals(401, response.statusCode());
    assertEquals("Authorization", new JsonObject(response.body()).getString("field"));
    assertEquals(0, totalRequests());
  }

  @Test
  void read_unknownTenant_passesRegion404Through() throws Exception {
    startSidecar(region("us-east"), region("eu-west"));

    HttpResponse<String> response = get("/v1/tenants/nobody-here/context", jiraToken, null);

    assertEquals(404, response.statusCode());
    assertEquals("fake region says Not Found", new JsonObject(response.body()).getString("detail"));
  }

  @Test
  void read_badTenantId_answers400NamingIt() throws Exception {
    startSidecar(region("us-east"));

    HttpResponse<String> response = get("/v1/tenants/A!/context", jiraToken, null);

    assertEquals(400, response.statusCode());
    assertEquals("tenantId", new JsonObject(response.body()).getString("field"));
  }

  @Test
  void read_twoConsumers_eachGetsItsOwnSlice() throws Exception {
    String tenant = TestNames.unique("acme");
    String host = tenant + ".example.net";
    startSidecar(region("us-east").serve(tenant, 1, host));

    JsonObject jira = new JsonObject(get("/v1/tenants/" + tenant + "/context", jiraToken, null).body());
    JsonObject ingress = new JsonObject(get("/v1/tenants/" + tenant + "/context", ingressToken, null).body());
    JsonObject ingressByHost = new JsonObject(get("/v1/hosts/" + host + "/context", ingressToken, null).body());
    JsonObject jiraAgain = new JsonObject(get("/v1/tenants/" + tenant + "/context", jiraToken, null).body());

    assertTrue(jira.containsKey("jira"));
    assertTrue(!jira.containsKey("network-ingress"));
    assertTrue(ingress.containsKey("network-ingress"));
    assertTrue(!ingress.containsKey("jira"), "the ingress consumer must never see a credential");
    assertEquals(new JsonArray().add(host), ingressByHost.getJsonArray("hosts"));
    assertEquals(jira, jiraAgain);
  }

  @Test
  void invalidation_newerVersion_nextReadFetchesIt() throws Exception {
    String tenant = TestNames.unique("acme");
    String host = tenant + ".example.net";
    FakeRegion usEast = region("us-east").serve(tenant, 1, host);
    startSidecar(usEast);
    assertEquals("1", version(get("/v1/tenants/" + tenant + "/context", jiraToken, null)));
    assertEquals("1", version(get("/v1/hosts/" + host + "/context", jiraToken, null)));
    usEast.serve(tenant, 2, host);
    assertEquals("1", version(get("/v1/tenants/" + tenant + "/context", jiraToken, null)), "cached until invalidated");

    publish(new Invalidation(tenant, "jira", List.of(host), 2));

    Eventually.until(Duration.ofSeconds(5), "the invalidation is applied", () -> invalidations("applied") == 1.0);
    assertEquals("2", version(get("/v1/tenants/" + tenant + "/context", jiraToken, null)));
    assertEquals("2", version(get("/v1/hosts/" + host + "/context", jiraToken, null)));
  }

  @Test
  void invalidation_newerVersion_loadedInBackground_nextReadIsAHit() throws Exception {
    String tenant = TestNames.unique("acme");
    String host = tenant + ".example.net";
    FakeRegion usEast = region("us-east").serve(tenant, 1, host);
    startSidecar(usEast);
    assertEquals("1", version(get("/v1/tenants/" + tenant + "/context", jiraToken, null)));
    assertEquals("1", version(get("/v1/hosts/" + host + "/context", jiraToken, null)));
    usEast.serve(tenant, 2, host);

    publish(new Invalidation(tenant, "jira", List.of(host), 2));

    Eventually.until(Duration.ofSeconds(5), "both keys are loaded again", () -> refreshes("loaded") == 2.0);
    int asked = totalRequests();
    double hits = reads("hit");
    assertEquals("2", version(get("/v1/tenants/" + tenant + "/context", jiraToken, null)));
    assertEquals("2", version(get("/v1/hosts/" + host + "/context", jiraToken, null)));
    assertEquals(hits + 2, reads("hit"), "the reads after the write are hits");
    assertEquals(asked, totalRequests());
    assertEquals(0.0, refreshes("failed") + refreshes("no-token") + refreshes("shed"));
  }

  @Test
  void invalidation_regionNotYetAtTheVersion_refreshTriedAgainUntilItIs() throws Exception {
    String tenant = TestNames.unique("acme");
    String host = tenant + ".example.net";
    FakeRegion usEast = region("us-east").serve(tenant, 1, host);
    startSidecar(usEast);
    assertEquals("1", version(get("/v1/tenants/" + tenant + "/context", jiraToken, null)));
    int asked = totalRequests();

    publish(new Invalidation(tenant, "jira", List.of(host), 2)); // the region has not ingested version 2 yet
    Eventually.until(Duration.ofSeconds(5), "the refresh asked the lagging region", () -> totalRequests() > asked);
    usEast.serve(tenant, 2, host);

    Eventually.until(Duration.ofSeconds(5), "the key is loaded on a later try", () -> refreshes("loaded") == 1.0);
    double hits = reads("hit");
    assertEquals("2", version(get("/v1/tenants/" + tenant + "/context", jiraToken, null)));
    assertEquals(hits + 1, reads("hit"));
  }

  @Test
  void invalidation_whileTheRefreshRuns_theSupersededValueAnswersWithinTheGrace() throws Exception {
    String tenant = TestNames.unique("acme");
    String path = "/v1/tenants/" + tenant + "/context";
    FakeRegion usEast = region("us-east").serve(tenant, 1, tenant + ".example.net");
    refreshGrace = "3s";
    startSidecar(usEast);
    assertEquals("1", version(get(path, jiraToken, null)));
    usEast.serve(tenant, 2, tenant + ".example.net").delay(Duration.ofSeconds(5)); // the refresh's first try times out (1 s)

    publish(new Invalidation(tenant, "jira", List.of(), 2));
    Eventually.until(Duration.ofSeconds(5), "the invalidation is applied", () -> invalidations("applied") == 1.0);

    HttpResponse<String> during = get(path, jiraToken, null);
    assertEquals("1", version(during), "answered as it was until the message arrived");
    assertTrue(during.headers().firstValue("TCS-Stale").isEmpty());
    assertEquals(1.0, counter(SidecarMetrics.SUPERSEDED_HITS));
    usEast.delay(Duration.ZERO);
    Eventually.until(Duration.ofSeconds(10), "the newer version is loaded on a later try", () -> refreshes("loaded") == 1.0);
    assertEquals("2", version(get(path, jiraToken, null)));
  }

  @Test
  void invalidation_refreshOff_keyDroppedAndNotLoaded() throws Exception {
    String tenant = TestNames.unique("acme");
    FakeRegion usEast = region("us-east").serve(tenant, 1, tenant + ".example.net");
    refreshInvalidated = false;
    startSidecar(usEast);
    assertEquals("1", version(get("/v1/tenants/" + tenant + "/context", jiraToken, null)));
    usEast.serve(tenant, 2, tenant + ".example.net");
    int asked = totalRequests();

    publish(new Invalidation(tenant, "jira", List.of(), 2));
    publish(new Invalidation(TestNames.unique("other"), "network-ingress", List.of(), 1)); // once it is seen, so was the first

    Eventually.until(Duration.ofSeconds(5), "both invalidations are received", () -> invalidations("applied") + invalidations("ignored") == 2.0);
    assertEquals(asked, totalRequests());
    double misses = reads("miss");
    assertEquals("2", version(get("/v1/tenants/" + tenant + "/context", jiraToken, null)));
    assertEquals(misses + 1, reads("miss"));
  }

  /** Regression: anyone who reached the home region's Hazelcast could drop (or, in bulk, flush) a sidecar's cache. */
  @Test
  void invalidation_forgedPublish_droppedCountedAndCachedValueKept() throws Exception {
    String tenant = TestNames.unique("acme");
    FakeRegion usEast = region("us-east").serve(tenant, 1, tenant + ".example.net");
    startSidecar(usEast);
    assertEquals("1", version(get("/v1/tenants/" + tenant + "/context", jiraToken, null)));
    usEast.serve(tenant, 2, tenant + ".example.net");

    String unsealed = new Invalidation(tenant, "jira", List.of(), 2).toJson().encode();
    member.<String>getReliableTopic(Invalidation.TOPIC).publish(unsealed);
    member.<String>getReliableTopic(Invalidation.TOPIC).publish(dev.tcs.core.security.Hmac.of(INVALIDATION_KEY + "-other").seal(unsealed));

    Eventually.until(Duration.ofSeconds(5), "both forgeries are counted", () -> invalidations("forged") == 2.0);
    assertEquals(0.0, invalidations("applied"));
    assertEquals("1", version(get("/v1/tenants/" + tenant + "/context", jiraToken, null)), "the cached value stays");
  }

  @Test
  void invalidation_olderVersion_keepsCachedValue() throws Exception {
    String tenant = TestNames.unique("acme");
    FakeRegion usEast = region("us-east").serve(tenant, 3, tenant + ".example.net");
    startSidecar(usEast);
    assertEquals("3", version(get("/v1/tenants/" + tenant + "/context", jiraToken, null)));
    usEast.serve(tenant, 4, tenant + ".example.net");
    int asked = totalRequests();

    publish(new Invalidation(tenant, "jira", List.of(), 2));
    publish(new Invalidation(tenant, "network-ingress", List.of(), 9)); // a later message: once it is seen, so was the first

    Eventually.until(Duration.ofSeconds(5), "both invalidations are received", () -> invalidations("ignored") == 2.0);
    assertEquals("3", version(get("/v1/tenants/" + tenant + "/context", jiraToken, null)));
    assertEquals(asked, totalRequests());
  }

  @Test
  void invalidation_otherConsumer_keepsThisConsumersValue() throws Exception {
    String tenant = TestNames.unique("acme");
    FakeRegion usEast = region("us-east").serve(tenant, 1, tenant + ".example.net");
    startSidecar(usEast);
    get("/v1/tenants/" + tenant + "/context", jiraToken, null);
    get("/v1/tenants/" + tenant + "/context", ingressToken, null);
    usEast.serve(tenant, 2, tenant + ".example.net");

    publish(new Invalidation(tenant, "network-ingress", List.of(), 2));

    Eventually.until(Duration.ofSeconds(5), "the invalidation is applied", () -> invalidations("applied") == 1.0);
    assertEquals("1", version(get("/v1/tenants/" + tenant + "/context", jiraToken, null)));
    assertEquals("2", version(get("/v1/tenants/" + tenant + "/context", ingressToken, null)));
  }

  @Test
  void read_deadPrimaryAndLaggingSecondary_neverAnswersOlderThanSeen() throws Exception {
    String tenant = TestNames.unique("acme");
    String host = tenant + ".example.net";
    String path = "/v1/tenants/" + tenant + "/context";
    FakeRegion usEast = region("us-east").serve(tenant, 3, host);
    FakeRegion euWest = region("eu-west").serve(tenant, 2, host).delay(Duration.ofMillis(300)); // lags behind
    refreshInvalidated = false; // else the refresh loads version 4 before the primary dies, and every read is a hit
    startSidecar(usEast, euWest);
    assertEquals("3", version(get(path, jiraToken, null)));

    // Version 4 is announced, the primary dies, and the only region left still has version 2.
    usEast.serve(tenant, 4, host);
    publish(new Invalidation(tenant, "jira", List.of(host), 4));
    Eventually.until(Duration.ofSeconds(5), "the invalidation is applied", () -> invalidations("applied") == 1.0);
    await(usEast.stop());
    euWest.delay(Duration.ZERO);
    int laggingAsked = euWest.requests();

    for (int i = 0; i < 10; i++) {
      HttpResponse<String> response = get(path, jiraToken, null);
      if (response.statusCode() == 200) {
        long served = Long.parseLong(response.headers().firstValue("TCS-Version").orElseThrow());
        assertTrue(served >= 3, "answered version " + served + " after version 3 was served: " + response.body());
      } else {
        assertEquals(503, response.statusCode(), response.body());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElseThrow());
      }
    }
    assertTrue(euWest.requests() > laggingAsked, "the lagging region was never asked, so nothing was proved");
  }

  @Test
  void adaptive_slowConfiguredPrimary_isReplacedByAFasterRegion() throws Exception {
    // Slow, but answering within the 1 s request timeout; a miss answered by a fast region on a
    // busy 2-core box stays well under this.
    Duration slow = Duration.ofMillis(700);
    FakeRegion usEast = region("us-east").delay(slow);
    FakeRegion euWest = region("eu-west");
    FakeRegion apSouth = region("ap-south");
    List<String> tenants = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String tenant = TestNames.unique("adapt");
      tenants.add(tenant);
      for (FakeRegion region : List.of(usEast, euWest, apSouth)) {
        region.serve(tenant, 1, tenant + ".example.net");
      }
    }
    startSidecar(usEast, euWest, apSouth);

    for (String tenant : tenants.subList(0, 10)) {
      assertEquals("1", version(get("/v1/tenants/" + tenant + "/context", jiraToken, null)));
    }
    assertEquals(0.0, gauge(SidecarMetrics.PRIMARY, "us-east"), "the slow region is still primary");
    double slowWins = wins("us-east", "primary") + wins("us-east", "secondary");
    for (String tenant : tenants.subList(10, 20)) {
      long started = System.nanoTime();
      assertEquals("1", version(get("/v1/tenants/" + tenant + "/context", jiraToken, null)));
      assertTrue(System.nanoTime() - started < slow.toNanos(), "a miss waited for the slow region");
    }
    assertEquals(slowWins, wins("us-east", "primary") + wins("us-east", "secondary"), "the slow region answered a later miss first");
    assertEquals(0.0, gauge(SidecarMetrics.PRIMARY, "us-east"));
    assertEquals(1.0, gauge(SidecarMetrics.PRIMARY, "eu-west") + gauge(SidecarMetrics.PRIMARY, "ap-south"));
    assertTrue(gauge(SidecarMetrics.REGION_EWMA, "us-east") > 0, "the slow region was measured");
  }

  @Test
  void adaptive_deadRegion_isEjected_andMissesStillAnswer() throws Exception {
    FakeRegion euWest = region("eu-west");
    FakeRegion apSouth = region("ap-south");
    List<String> tenants = new ArrayList<>();
    for (int i = 0; i < 40; i++) { // the dead region is asked as a random secondary: 40 reads give it 5 failures
      String tenant = TestNames.unique("eject");
      tenants.add(tenant);
      euWest.serve(tenant, 1, tenant + ".example.net");
      apSouth.serve(tenant, 1, tenant + ".example.net");
    }
    startSidecar("http://127.0.0.1:" + FreePorts.one(), euWest, apSouth);

    for (String tenant : tenants) {
      assertEquals("1", version(get("/v1/tenants/" + tenant + "/context", jiraToken, null)));
    }
    assertTrue(counter(SidecarMetrics.REGION_EJECTIONS, "region", "us-east") >= 1, "the dead region was not ejected");
    assertEquals(0.0, counter(SidecarMetrics.REGION_EJECTIONS, "region", "eu-west"));
  }

  @Test
  void prefetch_listedTenants_loadedAtStartThenAnsweredWithoutAskingARegion() throws Exception {
    List<String> tenants = List.of(TestNames.unique("pre-a"), TestNames.unique("pre-b"), TestNames.unique("pre-c"));
    FakeRegion usEast = region("us-east");
    tenants.forEach(tenant -> usEast.serve(tenant, 3, tenant + ".example.net"));
    String absent = TestNames.unique("pre-gone");
    prefetch = prefetchOf(jiraToken, tenants.get(0), tenants.get(1), tenants.get(2), absent);
    startSidecar(usEast);

    Eventually.until(Duration.ofSeconds(10), "prefetch of 4 tenants", () -> prefetched("loaded") + prefetched("absent") + prefetched("failed") == 4);
    assertEquals(3.0, prefetched("loaded"));
    assertEquals(1.0, prefetched("absent"));
    int asked = totalRequests();
    for (String tenant : tenants) {
      assertEquals("3", version(get("/v1/tenants/" + tenant + "/context", jiraToken, null)));
    }
    assertEquals(asked, totalRequests(), "prefetched tenants must be answered from memory");
    assertEquals(3.0, counter(SidecarMetrics.READS, "outcome", "hit"));
    assertEquals(0.0, counter(SidecarMetrics.READS, "outcome", "miss"), "prefetch loads are not application reads");
  }

  @Test
  void prefetch_slowRegion_startDoesNotWaitForIt() throws Exception {
    String tenant = TestNames.unique("pre-slow");
    FakeRegion slow = region("us-east").serve(tenant, 1, tenant + ".example.net").delay(Duration.ofMillis(900));
    prefetch = prefetchOf(jiraToken, tenant);
    startSidecar(slow);

    assertEquals(0.0, prefetched("loaded"), "deploy returned before the prefetch's region answered");
    Eventually.until(Duration.ofSeconds(10), "prefetch of the slow tenant", () -> prefetched("loaded") == 1);
  }

  @Test
  void prefetch_regionDownAtStart_tenantTriedAgainOnceItAnswers() throws Exception {
    String tenant = TestNames.unique("pre-late");
    int port = FreePorts.one();
    prefetch = prefetchOf(jiraToken, tenant);
    startSidecar("http://127.0.0.1:" + port); // nothing listens there yet: the first pass fails

    regions.add(await(new FakeRegion("us-east", tokens).serve(tenant, 2, tenant + ".example.net").start(vertx, port)));

    Eventually.until(Duration.ofSeconds(15), "prefetch of the tenant once its region answers", () -> prefetched("loaded") == 1);
    assertEquals(0.0, prefetched("failed"), "a failed first pass is not counted when a later one loads the tenant");
    int asked = totalRequests();
    assertEquals("2", version(get("/v1/tenants/" + tenant + "/context", jiraToken, null)));
    assertEquals(asked, totalRequests());
  }

  @Test
  void prefetch_tokenThatDoesNotVerify_startFailsNamingTheKey() throws Exception {
    FakeRegion usEast = region("us-east");
    prefetch = prefetchOf(jiraToken.substring(0, jiraToken.length() - 4) + "AAAA", "acme");
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> startSidecar(usEast));
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    assertTrue(cause.getMessage().startsWith("sidecar.prefetch.token-file must hold a token that verifies"), cause.getMessage());
    deployment = null;
  }

  /** A prefetch section for {@code tenants} with {@code token} in a temp token file. */
  private static JsonObject prefetchOf(String token, String... tenants) throws IOException {
    Path file = Files.createTempFile("tcs-prefetch-", ".jwt");
    file.toFile().deleteOnExit();
    Files.writeString(file, token);
    return new JsonObject().put("tenants", new JsonArray(List.of(tenants))).put("token-file", file.toString()).put("concurrency", 2);
  }

  private double prefetched(String outcome) {
    return counter(SidecarMetrics.PREFETCH, "outcome", outcome);
  }

  // ---- helpers ----

  private FakeRegion region(String name) throws Exception {
    FakeRegion region = await(new FakeRegion(name, tokens).start(vertx));
    regions.add(region);
    return region;
  }

  /** Starts a sidecar whose regions are the given fake regions or URLs, the first one primary. */
  private void startSidecar(Object... targets) throws Exception {
    startSidecar(Clock.systemUTC(), targets);
  }

  private void startSidecar(Clock clock, Object... targets) throws Exception {
    String[] names = {"us-east", "eu-west", "ap-south"};
    JsonObject regionUrls = new JsonObject();
    for (int i = 0; i < targets.length; i++) {
      String url = targets[i] instanceof FakeRegion fake ? fake.url() : (String) targets[i];
      String name = targets[i] instanceof FakeRegion fake ? fake.name() : names[i];
      regionUrls.put(name, new JsonObject().put("url", url));
    }
    port = FreePorts.one();
    JsonObject json =
        new JsonObject()
            .put("http", new JsonObject().put("host", "127.0.0.1").put("port", port))
            .put("sidecar", new JsonObject()
                .put("primary", regionUrls.fieldNames().iterator().next())
                .put("regions", regionUrls)
                .put("request-timeout", "1s") // well under the slow region's 2 s; roomy on a busy 2-core box
                .put("max-in-flight-per-region", 64)
                .put("cache", new JsonObject().put("maximum-size", 1000).put("ttl", "1h").put("negative-ttl", "5s").put("stale-ttl", "1h")
                    .put("refresh-invalidated", refreshInvalidated).put("refresh-grace", refreshGrace)))
            .put("hazelcast", new JsonObject().put("cluster-name", "unused-here").put("members", new JsonArray().add("127.0.0.1:5701")))
            .put("auth", new JsonObject().put("invalidation-key", INVALIDATION_KEY));
    if (httpTls != null) {
      json.getJsonObject("http").put("tls", httpTls);
    }
    if (regionTls != null) {
      json.getJsonObject("sidecar").put("tls", regionTls);
    }
    if (prefetch != null) {
      json.getJsonObject("sidecar").put("prefetch", prefetch);
    }
    SidecarConfig config = SidecarConfig.from(Settings.of("", json));
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    deployment = await(Sidecar.deploy(vertx, config, client, tokens, registry, clock));
  }

  /** {@code method} (GET or POST, no body) of {@code path} with {@code authorization} as sent (null: none). */
  private HttpResponse<String> send(String method, String path, String authorization) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).method(method, HttpRequest.BodyPublishers.noBody());
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path, String token, String ifNoneMatch) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (ifNoneMatch != null) {
      request.header("If-None-Match", ifNoneMatch);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String version(HttpResponse<String> response) {
    assertEquals(200, response.statusCode(), response.body());
    return response.headers().firstValue("TCS-Version").orElseThrow();
  }

  private static void publish(Invalidation invalidation) {
    member.<String>getReliableTopic(Invalidation.TOPIC).publish(dev.tcs.core.security.Hmac.of(INVALIDATION_KEY).seal(invalidation.toJson().encode()));
  }

  private int totalRequests() {
    return regions.stream().mapToInt(FakeRegion::requests).sum();
  }

  private double invalidations(String outcome) {
    return counter(SidecarMetrics.INVALIDATIONS, "outcome", outcome);
  }

  private double refreshes(String outcome) {
    return counter(SidecarMetrics.REFRESH, "outcome", outcome);
  }

  private double reads(String outcome) {
    return counter(SidecarMetrics.READS, "outcome", outcome);
  }

  private double wins(String region, String role) {
    return counter(SidecarMetrics.HEDGE_WINS, "region", region, "role", role);
  }

  private double gauge(String name, String region) {
    return registry.get(name).tag("region", region).gauge().value();
  }

  private double counter(String name, String... tags) {
    Counter counter = registry.find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
  }
}
