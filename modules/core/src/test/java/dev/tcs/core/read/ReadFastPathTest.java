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
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The read fast path in front of a real router on a real server, over HTTP/1.1 (Vert.x requests)
 * and HTTP/2 with prior knowledge (the frame level): what it answers itself (a hit of a verified
 * reader token), and that everything else reaches the router unchanged. Every case runs over
 * both protocols.
 */
class ReadFastPathTest {
  private static final String BODY = "{\"tenantId\":\"acme\"}";
  private static final String ROUTER = "X-Answered-By";
  private static final Map<ReadKey, HitHeaders> cached = new ConcurrentHashMap<>();
  /** Requests that reached Vert.x's request handler: a hit the frame level answered never does. */
  private static final AtomicInteger vertxRequests = new AtomicInteger();
  private static final Map<HttpVersion, HttpClient> clients = new ConcurrentHashMap<>();
  private static final MutableClock clock = new MutableClock(Instant.now());
  private static Vertx vertx;
  /** The clients' own Vert.x, so that a client's event loop is never the server's. */
  private static Vertx clientVertx;
  private static Context clientContext;
  private static HttpServer server;
  private static Tokens tokens;

  /** A cached value as a component's cache hands it to the fast path. */
  private record Cached(HitHeaders headers, Buffer body) implements ReadFastPath.CachedAnswer {}

  /** A response as the test reads it. */
  record Answer(int statusCode, MultiMap headers, String body) {
    Optional<String> header(String name) {
      return Optional.ofNullable(headers.get(name));
    }
  }

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    clientVertx = Vertx.vertx();
    clientContext = clientVertx.getOrCreateContext();
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
        (key, authorization) -> {
          HitHeaders headers = cached.get(key);
          return headers == null ? null : new Cached(headers, Buffer.buffer(BODY));
        };
    ReadFastPath fastPath = new ReadFastPath(tokens, Principal.READER, hits, null, router);
    server =
        vertx
            .createHttpServer(HttpServers.options("127.0.0.1", 0))
            .connectionHandler(fastPath::onConnection)
            .requestHandler(
                request -> {
                  vertxRequests.incrementAndGet();
                  fastPath.handle(request);
                })
            .listen()
            .await();
    cached.put(ReadKey.tenant("acme", "jira"), HitHeaders.of(ETags.of(new Stamp(7, 2)), "acme", new Stamp(7, 2), "eu-west", null));
    cached.put(ReadKey.host("acme.example.net", "jira"), HitHeaders.of(ETags.of(new Stamp(7, 2)), "acme", new Stamp(7, 2), "eu-west", null));
  }

  @AfterAll
  static void stop() {
    clientVertx.close().await();
    vertx.close().await();
  }

  @Nested
  class OverHttp1 extends Cases {
    OverHttp1() {
      super(HttpVersion.HTTP_1_1);
    }
  }

  @Nested
  class OverHttp2 extends Cases {
    OverHttp2() {
      super(HttpVersion.HTTP_2);
    }

    @Test
    void get_hit_answeredBelowVertxRequests() throws Exception {
      int before = vertxRequests.get();
      assertFalse(routed(get("/v1/tenants/acme/context", "Authorization", token)));
      assertEquals(before, vertxRequests.get());
      assertTrue(routed(get("/v1/tenants/other/context", "Authorization", token)));
      assertEquals(before + 1, vertxRequests.get());
    }

    @Test
    void get_queryString_answeredByTheRequestLevelWithTheSameHeaders() throws Exception {
      int before = vertxRequests.get();
      Answer requestLevel = get("/v1/tenants/acme/context?x=1", "Authorization", token, RequestIds.HEADER, "req-7");
      assertFalse(routed(requestLevel));
      assertEquals(BODY, requestLevel.body());
      assertEquals(before + 1, vertxRequests.get());
      Answer frameLevel = get("/v1/tenants/acme/context", "Authorization", token, RequestIds.HEADER, "req-7");
      assertEquals(before + 1, vertxRequests.get());
      assertEquals(sorted(requestLevel.headers()), sorted(frameLevel.headers()));
    }

    @Test
    void get_hitTheClientResetsBeforeItsBodyWasSent_theConnectionServesTheNextRead() throws Exception {
      // A stream window of 0: the server may send HEADERS but no DATA, so a hit's body waits in the
      // server's flow control until the client resets the stream, as a read the sidecar gave up on
      // can while its body waits for a flush or for window.
      HttpClient stalled =
          clientVertx.createHttpClient(
              new HttpClientOptions()
                  .setProtocolVersion(HttpVersion.HTTP_2)
                  .setHttp2ClearTextUpgrade(false)
                  .setDefaultHost("127.0.0.1")
                  .setDefaultPort(server.actualPort())
                  .setInitialSettings(new Http2Settings().setInitialWindowSize(0)),
              new PoolOptions().setHttp2MaxSize(1));
      try {
        AtomicInteger closed = new AtomicInteger();
        HttpClientRequest first = stalled.request(HttpMethod.GET, "/v1/tenants/acme/context").await();
        first.connection().closeHandler(v -> closed.incrementAndGet());
        first.putHeader("Authorization", token);
        HttpClientResponse head = first.send().await();
        head.exceptionHandler(expected -> {}); // the reset below
        assertEquals(200, head.statusCode());
        first.reset().await();

        // A 304 has no body, so it needs no window: the connection answers it if it is still up.
        HttpClientRequest second = stalled.request(HttpMethod.GET, "/v1/tenants/acme/context").await();
        second.putHeader("Authorization", token).putHeader("If-None-Match", "\"7.2\"");
        assertEquals(304, second.send().await().statusCode());
        assertEquals(first.connection(), second.connection(), "the second read went out on the first's connection");
        assertEquals(0, closed.get(), "the server kept the connection");
      } finally {
        stalled.close().await();
      }
    }

    private static List<String> sorted(MultiMap headers) {
      return headers.entries().stream().map(header -> header.getKey().toLowerCase(Locale.ROOT) + ": " + header.getValue()).sorted().toList();
    }

    @Test
    void get_hitsAndMissesInterleavedOnOneConnection_eachAnsweredByItsOwnPath() throws Exception {
      List<Future<Answer>> answers = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        answers.add(request(HttpMethod.GET, i % 2 == 0 ? "/v1/tenants/acme/context" : "/v1/tenants/other" + i + "/context", null, "Authorization", token));
      }
      for (int i = 0; i < answers.size(); i++) {
        Answer answer = answers.get(i).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(200, answer.statusCode());
        assertEquals(i % 2 == 0 ? BODY : "routed", answer.body(), "request " + i);
        assertEquals(i % 2 != 0, routed(answer), "request " + i);
      }
    }
  }

  /** The cases, over one protocol; one client (one connection) per protocol for the whole class. */
  abstract class Cases {
    private final HttpClient client;
    String token;

    Cases(HttpVersion protocol) {
      client =
          clients.computeIfAbsent(
              protocol,
              version ->
                  clientVertx.createHttpClient(
                      new HttpClientOptions().setProtocolVersion(version).setHttp2ClearTextUpgrade(false).setDefaultHost("127.0.0.1").setDefaultPort(server.actualPort())));
    }

    @BeforeEach
    void verifiedReaderToken() {
      token = "Bearer " + tokens.issue("jira", Set.of(Principal.READER), Duration.ofMinutes(1));
      tokens.authenticate(token).await();
    }

    Answer get(String path, String... headers) throws Exception {
      return send(HttpMethod.GET, path, null, headers);
    }

    Answer send(HttpMethod method, String path, String body, String... headers) throws Exception {
      return request(method, path, body, headers).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    Future<Answer> request(HttpMethod method, String path, String body, String... headers) {
      RequestOptions options = new RequestOptions().setMethod(method).setURI(path);
      for (int i = 0; i < headers.length; i += 2) {
        options.addHeader(headers[i], headers[i + 1]);
      }
      // Every request starts on one event loop, where its connection lives: a response's body is
      // then read in the same turn that delivered its head (from another thread, the body could
      // be over before the test asked for it).
      Promise<Answer> answer = Promise.promise();
      clientContext.runOnContext(
          start ->
              client
                  .request(options)
                  .compose(request -> body == null ? request.send() : request.send(body))
                  .compose(response -> response.body().map(content -> new Answer(response.statusCode(), response.headers(), content.toString())))
                  .onComplete(answer));
      return answer.future();
    }

    boolean routed(Answer response) {
      return response.header(ROUTER).isPresent();
    }

    @Test
    void get_verifiedTokenCachedValue_answeredWithPreparedHeadersAndNoGeneratedRequestId() throws Exception {
      Answer response = get("/v1/tenants/acme/context", "Authorization", token);
      assertEquals(200, response.statusCode());
      assertFalse(routed(response));
      assertEquals(BODY, response.body());
      assertEquals("\"7.2\"", response.header("ETag").orElseThrow());
      assertEquals("7", response.header(ReadApi.VERSION).orElseThrow());
      assertEquals("2", response.header(ReadApi.REVISION).orElseThrow());
      assertEquals("acme", response.header(ReadApi.TENANT).orElseThrow());
      assertEquals("eu-west", response.header(ReadApi.REGION).orElseThrow());
      assertEquals("application/json", response.header("Content-Type").orElseThrow());
      assertEquals(Integer.toString(BODY.length()), response.header("Content-Length").orElseThrow());
      assertFalse(response.header(RequestIds.HEADER).isPresent());
    }

    @Test
    void get_hostHit_answered() throws Exception {
      Answer response = get("/v1/hosts/acme.example.net/context", "Authorization", token);
      assertEquals(200, response.statusCode());
      assertFalse(routed(response));
    }

    @Test
    void get_callerRequestId_echoed() throws Exception {
      Answer response = get("/v1/tenants/acme/context", "Authorization", token, RequestIds.HEADER, "req-42");
      assertFalse(routed(response));
      assertEquals("req-42", response.header(RequestIds.HEADER).orElseThrow());
    }

    @Test
    void get_unsafeRequestId_routerAssignsItsOwn() throws Exception {
      Answer response = get("/v1/tenants/acme/context", "Authorization", token, RequestIds.HEADER, "<script>");
      assertTrue(routed(response));
      assertNotEquals("<script>", response.header(RequestIds.HEADER).orElseThrow());
    }

    @Test
    void get_ifNoneMatchMatches_304WithTheSameHeaders() throws Exception {
      Answer response = get("/v1/tenants/acme/context", "Authorization", token, "If-None-Match", "W/\"7.2\"");
      assertEquals(304, response.statusCode());
      assertEquals("\"7.2\"", response.header("ETag").orElseThrow());
      assertEquals("7", response.header(ReadApi.VERSION).orElseThrow());
    }

    @Test
    void get_notCached_routerAnswersWithARequestId() throws Exception {
      Answer response = get("/v1/tenants/other/context", "Authorization", token);
      assertTrue(routed(response));
      assertTrue(response.header(RequestIds.HEADER).isPresent());
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
      Answer hit = get("/v1/tenants/acme/context", "Authorization", session);
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
      Answer trailingSlash = get("/v1/tenants/acme/context/", "Authorization", token);
      assertTrue(routed(trailingSlash) || trailingSlash.statusCode() == 404, "whatever the router makes of it");
      Answer invalid = get("/v1/tenants/A!/context", "Authorization", token);
      assertTrue(routed(invalid), "an invalid id is the router's to reject");
      Answer unknown = get("/v1/tenants/acme/other", "Authorization", token);
      assertEquals(404, unknown.statusCode());
      assertEquals(ProblemHandler.CONTENT_TYPE, unknown.header("Content-Type").orElseThrow());
      Answer nested = get("/v1/tenants/acme/x/context", "Authorization", token);
      assertEquals(404, nested.statusCode());
      Answer post = send(HttpMethod.POST, "/v1/tenants/acme/context", "{}", "Authorization", token);
      assertEquals(405, post.statusCode());
      assertEquals(ProblemHandler.CONTENT_TYPE, post.header("Content-Type").orElseThrow());
    }
  }
}
