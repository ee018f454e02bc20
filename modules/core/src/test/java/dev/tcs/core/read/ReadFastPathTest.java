package dev.tcs.core.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.auth.AuthConfig;
import dev.tcs.core.auth.MutableClock;
import dev.tcs.core.auth.Principal;
import dev.tcs.core.auth.Tokens;
import dev.tcs.core.config.Settings;
import dev.tcs.core.http.HttpServers;
import dev.tcs.core.http.ProblemHandler;
import dev.tcs.core.http.RequestIds;
import dev.tcs.core.http.Routers;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The read fast path in front of a real router on a real server: what it answers itself (a hit of
 * a verified reader token), and that everything else reaches the router unchanged.
 */
class ReadFastPathTest {
  private static final String BODY = "{\"tenantId\":\"acme\"}";
  private static final String ROUTER = "X-Answered-By";
  private static final Map<ReadKey, HitHeaders> cached = new ConcurrentHashMap<>();
  private static final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private static Vertx vertx;
  private static HttpServer server;
  private static Tokens tokens;
  private static final MutableClock clock = new MutableClock(Instant.now());
  private String token;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    JsonObject auth =
        new JsonObject()
            .put("public-key", "jwt-public.pem")
            .put("private-key", "jwt-private.pem")
            .put("issuer", "tcs-demo")
            .put("audience", "tcs")
            .put("leeway", "5s");
    tokens = new Tokens(vertx, AuthConfig.from(Settings.of("auth", auth), Path.of("../../config/demo-keys")), clock);
    Router router = Routers.base(vertx, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), List.of());
    router.get(ReadApi.TENANT_ROUTE).handler(ctx -> ctx.response().putHeader(ROUTER, "router").end("routed"));
    router.get(ReadApi.HOST_ROUTE).handler(ctx -> ctx.response().putHeader(ROUTER, "router").end("routed"));
    ReadFastPath.Hits hits =
        (request, key) -> {
          HitHeaders headers = cached.get(key);
          if (headers == null) {
            return false;
          }
          headers.answer(request, Buffer.buffer(BODY));
          return true;
        };
    server =
        vertx.createHttpServer(HttpServers.options("127.0.0.1", 0)).requestHandler(new ReadFastPath(tokens, Principal.READER, hits, router)).listen().await();
    cached.put(ReadKey.tenant("acme", "jira"), HitHeaders.of(ETags.of(new Stamp(7, 2)), "acme", new Stamp(7, 2), "eu-west", null));
    cached.put(ReadKey.host("acme.example.net", "jira"), HitHeaders.of(ETags.of(new Stamp(7, 2)), "acme", new Stamp(7, 2), "eu-west", null));
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @BeforeEach
  void verifiedReaderToken() {
    token = "Bearer " + tokens.issue("jira", Set.of(Principal.READER), Duration.ofMinutes(1));
    tokens.authenticate(token).await();
  }

  private static HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path)).timeout(Duration.ofSeconds(5)).GET();
    if (headers.length > 0) {
      request.headers(headers);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static boolean routed(HttpResponse<String> response) {
    return response.headers().firstValue(ROUTER).isPresent();
  }

  @Test
  void get_verifiedTokenCachedValue_answeredWithPreparedHeadersAndNoGeneratedRequestId() throws Exception {
    HttpResponse<String> response = get("/v1/tenants/acme/context", "Authorization", token);
    assertEquals(200, response.statusCode());
    assertFalse(routed(response));
    assertEquals(BODY, response.body());
    assertEquals("\"7.2\"", response.headers().firstValue("ETag").orElseThrow());
    assertEquals("7", response.headers().firstValue(ReadApi.VERSION).orElseThrow());
    assertEquals("2", response.headers().firstValue(ReadApi.REVISION).orElseThrow());
    assertEquals("acme", response.headers().firstValue(ReadApi.TENANT).orElseThrow());
    assertEquals("eu-west", response.headers().firstValue(ReadApi.REGION).orElseThrow());
    assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
    assertFalse(response.headers().firstValue(RequestIds.HEADER).isPresent());
  }

  @Test
  void get_hostHit_answered() throws Exception {
    HttpResponse<String> response = get("/v1/hosts/acme.example.net/context", "Authorization", token);
    assertEquals(200, response.statusCode());
    assertFalse(routed(response));
  }

  @Test
  void get_callerRequestId_echoed() throws Exception {
    HttpResponse<String> response = get("/v1/tenants/acme/context", "Authorization", token, RequestIds.HEADER, "req-42");
    assertFalse(routed(response));
    assertEquals("req-42", response.headers().firstValue(RequestIds.HEADER).orElseThrow());
  }

  @Test
  void get_unsafeRequestId_routerAssignsItsOwn() throws Exception {
    HttpResponse<String> response = get("/v1/tenants/acme/context", "Authorization", token, RequestIds.HEADER, "<script>");
    assertTrue(routed(response));
    assertNotEquals("<script>", response.headers().firstValue(RequestIds.HEADER).orElseThrow());
  }

  @Test
  void get_ifNoneMatchMatches_304WithTheSameHeaders() throws Exception {
    HttpResponse<String> response = get("/v1/tenants/acme/context", "Authorization", token, "If-None-Match", "W/\"7.2\"");
    assertEquals(304, response.statusCode());
    assertEquals("\"7.2\"", response.headers().firstValue("ETag").orElseThrow());
    assertEquals("7", response.headers().firstValue(ReadApi.VERSION).orElseThrow());
  }

  @Test
  void get_notCached_routerAnswersWithARequestId() throws Exception {
    HttpResponse<String> response = get("/v1/tenants/other/context", "Authorization", token);
    assertTrue(routed(response));
    assertTrue(response.headers().firstValue(RequestIds.HEADER).isPresent());
  }

  @Test
  void get_tokenNeverVerified_router() throws Exception {
    String unverified = "Bearer " + tokens.issue("jira", Set.of(Principal.READER), Duration.ofMinutes(2));
    assertTrue(routed(get("/v1/tenants/acme/context", "Authorization", unverified)));
    assertTrue(routed(get("/v1/tenants/acme/context", "Authorization", "Bearer not-a-token")));
    assertTrue(routed(get("/v1/tenants/acme/context")));
  }

  @Test
  void get_tokenWithoutReaderRole_router() throws Exception {
    String writer = "Bearer " + tokens.issue("jira", Set.of(Principal.WRITER), Duration.ofMinutes(1));
    tokens.authenticate(writer).await();
    assertTrue(routed(get("/v1/tenants/acme/context", "Authorization", writer)));
  }

  @Test
  void get_sessionOfAVerifiedToken_answeredUntilTheTokenExpires() throws Exception {
    String session = tokens.openSession(token).await().authorization();
    HttpResponse<String> hit = get("/v1/tenants/acme/context", "Authorization", session);
    assertFalse(routed(hit));
    assertEquals(BODY, hit.body());
    assertTrue(routed(get("/v1/tenants/acme/context", "Authorization", "Session " + "A".repeat(22))));
    assertFastPathUntilLeewayEnds(session);
  }

  @Test
  void get_verifiedTokenPastExpiryAndLeeway_router() throws Exception {
    assertFastPathUntilLeewayEnds(token);
  }

  /** {@code authorization} (the one-minute token, or its session) takes the fast path 64 s on, the router at 66 s (5 s leeway). */
  private void assertFastPathUntilLeewayEnds(String authorization) throws Exception {
    Instant start = clock.instant();
    try {
      clock.set(start.plusSeconds(64));
      assertFalse(routed(get("/v1/tenants/acme/context", "Authorization", authorization)));
      clock.set(start.plusSeconds(66));
      assertTrue(routed(get("/v1/tenants/acme/context", "Authorization", authorization)));
    } finally {
      clock.set(start);
    }
  }

  @Test
  void get_pathsTheFastPathDoesNotOwn_routerAndItsProblems() throws Exception {
    assertTrue(routed(get("/v1/hosts/ACME.example.net/context", "Authorization", token)));
    HttpResponse<String> trailingSlash = get("/v1/tenants/acme/context/", "Authorization", token);
    assertTrue(routed(trailingSlash) || trailingSlash.statusCode() == 404, "whatever the router makes of it");
    HttpResponse<String> invalid = get("/v1/tenants/A!/context", "Authorization", token);
    assertTrue(routed(invalid), "an invalid id is the router's to reject");
    HttpResponse<String> unknown = get("/v1/tenants/acme/other", "Authorization", token);
    assertEquals(404, unknown.statusCode());
    assertEquals(ProblemHandler.CONTENT_TYPE, unknown.headers().firstValue("Content-Type").orElseThrow());
    HttpResponse<String> nested = get("/v1/tenants/acme/x/context", "Authorization", token);
    assertEquals(404, nested.statusCode());
    HttpResponse<String> post =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/v1/tenants/acme/context"))
                .header("Authorization", token)
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(405, post.statusCode());
    assertEquals(ProblemHandler.CONTENT_TYPE, post.headers().firstValue("Content-Type").orElseThrow());
  }
}
