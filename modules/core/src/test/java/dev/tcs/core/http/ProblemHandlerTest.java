package dev.tcs.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.model.TenantContext;
import dev.tcs.core.model.ValidationException;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The failure handler and the base router, through a real server on a free port. */
class ProblemHandlerTest {
  private static Vertx vertx;
  private static HttpServer server;
  private static final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    List<OpsRoutes.Check> checks =
        List.of(new OpsRoutes.Check("always", () -> Future.succeededFuture()), new OpsRoutes.Check("store", () -> Future.succeededFuture()));
    Router router = Routers.base(vertx, registry, checks);
    router.get("/problem").handler(ctx -> ctx.fail(HttpProblem.conflict("hosts[0]", "host 'a.example' belongs to tenant 'other'")));
    router.get("/thrown-problem").handler(ctx -> {
      throw HttpProblem.preconditionFailed("version is 4, not 3");
    });
    router.get("/invalid").handler(ctx -> {
      throw new ValidationException("tenantId", "tenantId must match [a-z0-9][a-z0-9-]{2,62}, but was 'A!'");
    });
    router.get("/too-large").handler(ctx -> ctx.fail(new TenantContext.DocumentTooLargeException(70_000)));
    router.get("/boom").handler(ctx -> {
      throw new IllegalStateException("db-password=hunter2 leaked into a message");
    });
    router.get("/status").handler(ctx -> ctx.fail(418));
    router.get("/unauthorized").handler(ctx -> ctx.fail(HttpProblem.unauthorized("no token")));
    router.get("/partial").handler(ctx -> {
      ctx.response().setChunked(true).write("partial");
      ctx.fail(new IllegalStateException("failed mid-stream"));
    });
    router.put("/body").handler(BodyHandler.create().setBodyLimit(16)).handler(ctx -> ctx.response().end("ok"));
    server = vertx.createHttpServer(HttpServers.options("127.0.0.1", 0)).requestHandler(router).listen().await();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5)).GET();
    if (headers.length > 0) {
      request.headers(headers);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.actualPort() + path);
  }

  private static JsonObject problemOf(HttpResponse<String> response) {
    assertEquals(ProblemHandler.CONTENT_TYPE, response.headers().firstValue("Content-Type").orElse(null));
    JsonObject body = new JsonObject(response.body());
    assertEquals(response.statusCode(), body.getInteger("status"));
    String requestId = response.headers().firstValue(RequestIds.HEADER).orElse(null);
    assertNotNull(requestId);
    assertEquals("urn:request:" + requestId, body.getString("instance"));
    return body;
  }

  @Test
  void handle_httpProblem_keepsStatusTitleDetailAndField() throws Exception {
    HttpResponse<String> response = get("/problem");
    assertEquals(409, response.statusCode());
    JsonObject problem = problemOf(response);
    assertEquals("Conflict", problem.getString("title"));
    assertEquals("hosts[0]", problem.getString("field"));
    assertEquals("host 'a.example' belongs to tenant 'other'", problem.getString("detail"));
  }

  @Test
  void handle_thrownHttpProblem_sameAsFailed() throws Exception {
    HttpResponse<String> response = get("/thrown-problem");
    assertEquals(412, response.statusCode());
    assertEquals("If-Match", problemOf(response).getString("field"));
  }

  @Test
  void handle_validationException_400NamingField() throws Exception {
    HttpResponse<String> response = get("/invalid");
    assertEquals(400, response.statusCode());
    JsonObject problem = problemOf(response);
    assertEquals("tenantId", problem.getString("field"));
    assertTrue(problem.getString("detail").contains("'A!'"));
  }

  @Test
  void handle_documentTooLarge_413() throws Exception {
    HttpResponse<String> response = get("/too-large");
    assertEquals(413, response.statusCode());
    assertEquals("body", problemOf(response).getString("field"));
  }

  @Test
  void handle_unexpectedException_500WithRequestIdAndNothingOfTheException() throws Exception {
    HttpResponse<String> response = get("/boom", RequestIds.HEADER, "req-42");
    assertEquals(500, response.statusCode());
    JsonObject problem = problemOf(response);
    assertEquals("req-42", response.headers().firstValue(RequestIds.HEADER).orElseThrow());
    assertTrue(problem.getString("detail").contains("req-42"));
    assertFalse(response.body().contains("hunter2"), response.body());
    assertFalse(response.body().contains("IllegalStateException"), response.body());
    assertFalse(response.body().contains("at dev.tcs"), response.body());
  }

  @Test
  void handle_unknownRoute_404ProblemJson() throws Exception {
    HttpResponse<String> response = get("/no/such/thing");
    assertEquals(404, response.statusCode());
    assertEquals("Not Found", problemOf(response).getString("title"));
  }

  @Test
  void handle_wrongMethod_405ProblemJson() throws Exception {
    HttpResponse<String> response =
        client.send(HttpRequest.newBuilder(uri("/problem")).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(405, response.statusCode());
    problemOf(response);
  }

  @Test
  void handle_bareStatus_problemWithThatStatus() throws Exception {
    HttpResponse<String> response = get("/status");
    assertEquals(418, response.statusCode());
    problemOf(response);
  }

  @Test
  void handle_bodyOverLimit_413ProblemJson() throws Exception {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(uri("/body")).PUT(HttpRequest.BodyPublishers.ofString("x".repeat(64))).header("Content-Type", "application/json").build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(413, response.statusCode());
    problemOf(response);
  }

  @Test
  void handle_401_asksForBearer() throws Exception {
    HttpResponse<String> response = get("/unauthorized");
    assertEquals(401, response.statusCode());
    assertEquals("Bearer", response.headers().firstValue("WWW-Authenticate").orElse(null));
    assertEquals("Authorization", problemOf(response).getString("field"));
  }

  /**
   * Regression: a failure after the response head was written left the response open, so the
   * client waited for the rest of the body until the server's idle timeout (120 s).
   */
  @Test
  void handle_failureAfterHeadersWent_connectionEndsInsteadOfHanging() {
    HttpRequest request = HttpRequest.newBuilder(uri("/partial")).GET().build();
    CompletableFuture<HttpResponse<String>> response = client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    ExecutionException failure = assertThrows(ExecutionException.class, () -> response.get(5, TimeUnit.SECONDS));
    assertInstanceOf(IOException.class, failure.getCause());
  }

  @Test
  void requestIds_safeOfferedId_echoed() throws Exception {
    assertEquals("abc-123", get("/health/live", RequestIds.HEADER, "abc-123").headers().firstValue(RequestIds.HEADER).orElseThrow());
  }

  @Test
  void requestIds_unsafeOfferedId_replaced() throws Exception {
    String echoed = get("/health/live", RequestIds.HEADER, "<script>").headers().firstValue(RequestIds.HEADER).orElseThrow();
    assertFalse(echoed.contains("<"));
    assertTrue(echoed.matches("[0-9a-f]+-[0-9a-f]+"), echoed);
  }

  @Test
  void opsRoutes_liveReadyMetrics_answer() throws Exception {
    HttpResponse<String> live = get("/health/live");
    assertEquals(200, live.statusCode());
    assertEquals("UP", new JsonObject(live.body()).getString("status"));
    HttpResponse<String> ready = get("/health/ready");
    assertEquals(200, ready.statusCode());
    assertEquals(new JsonObject().put("always", "UP").put("store", "UP"), new JsonObject(ready.body()).getJsonObject("checks"));
    HttpResponse<String> metrics = get("/metrics");
    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
  }

  @Test
  void ready_failingCheck_503NamingIt() throws Exception {
    Router router =
        Routers.base(
            vertx,
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            List.of(
                new OpsRoutes.Check("kafka", () -> Future.failedFuture("broker unreachable")),
                new OpsRoutes.Check("dynamo", () -> {
                  throw new IllegalStateException("no client");
                }),
                new OpsRoutes.Check("fine", () -> Future.succeededFuture())));
    HttpServer other = vertx.createHttpServer(HttpServers.options("127.0.0.1", 0)).requestHandler(router).listen().await();
    try {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + other.actualPort() + "/health/ready")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(503, response.statusCode());
      JsonObject checks = new JsonObject(response.body()).getJsonObject("checks");
      assertEquals("DOWN: broker unreachable", checks.getString("kafka"));
      assertEquals("DOWN: no client", checks.getString("dynamo"));
      assertEquals("UP", checks.getString("fine"));
    } finally {
      other.close().await();
    }
  }

  @Test
  void toJson_withoutField_leavesFieldOut() {
    JsonObject json = HttpProblem.notFound("no tenant 'acme'").toJson("r1");
    assertNull(json.getString("field"));
    assertEquals("about:blank", json.getString("type"));
    assertEquals("urn:request:r1", json.getString("instance"));
  }
}
