package dev.tcs.sidecar;

import dev.tcs.core.auth.Tokens;
import dev.tcs.core.http.HttpServers;
import dev.tcs.core.http.ProblemHandler;
import dev.tcs.core.read.ReadApi;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for one region's read API (h2c and HTTP/1.1): canned views per tenant and consumer,
 * with the read API's headers, a settable version and delay, and a request counter.
 */
final class FakeRegion {
  private final String name;
  private final Tokens tokens;
  private final Map<String, Long> versions = new ConcurrentHashMap<>();
  private final Map<String, String> hosts = new ConcurrentHashMap<>();
  private final AtomicInteger requests = new AtomicInteger();
  private volatile Duration delay = Duration.ZERO;
  private final java.util.Set<String> revoked = ConcurrentHashMap.newKeySet();
  private HttpServer server;
  private String scheme = "http";

  FakeRegion(String name, Tokens tokens) {
    this.name = name;
    this.tokens = tokens;
  }

  Future<FakeRegion> start(Vertx vertx) {
    return start(vertx, 0, null);
  }

  /** Listens on {@code port} (0: any free one), so a region can come back where it was. */
  Future<FakeRegion> start(Vertx vertx, int port) {
    return start(vertx, port, null);
  }

  /** Starts serving; over HTTPS (ALPN), and requiring client certificates if {@code tls} says so, when it is not null. */
  Future<FakeRegion> start(Vertx vertx, dev.tcs.core.http.Tls.Server tls) {
    return start(vertx, 0, tls);
  }

  /** Listens on {@code port} (0: any free one); over HTTPS when {@code tls} is not null. */
  Future<FakeRegion> start(Vertx vertx, int port, dev.tcs.core.http.Tls.Server tls) {
    this.scheme = tls == null ? "http" : "https";
    Router router = Router.router(vertx);
    router.get("/v1/tenants/:tenantId/context").handler(ctx -> answer(vertx, ctx, ctx.pathParam("tenantId")));
    router.get("/v1/hosts/:host/context").handler(ctx -> answer(vertx, ctx, hosts.get(ctx.pathParam("host"))));
    return vertx
        .createHttpServer(dev.tcs.core.http.Tls.apply(HttpServers.options("127.0.0.1", port), tls))
        .requestHandler(router)
        .listen()
        .map(listening -> {
          server = listening;
          return this;
        });
  }

  Future<Void> stop() {
    return server.close();
  }

  String url() {
    return scheme.equals("https") ? "https://localhost:" + server.actualPort() : "http://127.0.0.1:" + server.actualPort();
  }

  String name() {
    return name;
  }

  /** Serves {@code tenant} at {@code version}, reachable also by {@code host}. */
  FakeRegion serve(String tenant, long version, String host) {
    versions.put(tenant, version);
    hosts.put(host, tenant);
    return this;
  }

  /** From now on answers 403 to {@code consumer}, as a region whose views.yaml no longer lists it. */
  FakeRegion revoke(String consumer) {
    revoked.add(consumer);
    return this;
  }

  FakeRegion delay(Duration delay) {
    this.delay = delay;
    return this;
  }

  int requests() {
    return requests.get();
  }

  private void answer(Vertx vertx, RoutingContext ctx, String tenant) {
    requests.incrementAndGet();
    tokens
        .authenticate(ctx.request().getHeader("Authorization"))
        .onFailure(e -> problem(ctx, 401, "Unauthorized"))
        .onSuccess(principal -> {
          Long version = tenant == null ? null : versions.get(tenant);
          Runnable reply = revoked.contains(principal.subject())
              ? () -> problem(ctx, 403, "Forbidden")
              : version == null
              ? () -> problem(ctx, 404, "Not Found")
              : () -> value(ctx, tenant, version, principal.subject());
          if (delay.isZero()) {
            reply.run();
          } else {
            vertx.setTimer(delay.toMillis(), id -> {
              if (!ctx.response().closed() && !ctx.response().ended()) {
                reply.run();
              }
            });
          }
        });
  }

  private void value(RoutingContext ctx, String tenant, long version, String consumer) {
    JsonObject body = new JsonObject().put("tenantId", tenant);
    if (consumer.equals("jira")) {
      body.put("jira", new JsonObject().put("db-user", tenant + "_jira")).put("products", new JsonArray().add("jira"));
    } else {
      body.put("network-ingress", new JsonObject().put("/", "http://jira-" + name + ".internal"));
      hosts.forEach((host, owner) -> {
        if (owner.equals(tenant)) {
          body.put("hosts", new JsonArray().add(host));
        }
      });
    }
    ctx.response()
        .putHeader("Content-Type", "application/json")
        .putHeader(ReadApi.ETAG, "\"" + tenant + "-" + version + "\"")
        .putHeader(ReadApi.VERSION, Long.toString(version))
        .putHeader(ReadApi.REVISION, "1")
        .putHeader(ReadApi.REGION, name)
        .putHeader(ReadApi.TENANT, tenant)
        .end(body.toBuffer());
  }

  private static void problem(RoutingContext ctx, int status, String title) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", ProblemHandler.CONTENT_TYPE)
        .end(new JsonObject().put("title", title).put("status", status).put("detail", "fake region says " + title).toBuffer());
  }
}
