package dev.tcs.core.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /metrics} (Prometheus text), {@code /health/live} (the event loop answers) and
 * {@code /health/ready} (every named check passes) for any component's router.
 */
public final class OpsRoutes {
  private OpsRoutes() {}

  /** A named readiness check; a failed future means not ready, its message says why. */
  public record Check(String name, Supplier<Future<?>> probe) {}

  public static void mount(Router router, PrometheusMeterRegistry registry, List<Check> checks) {
    router.get("/metrics").handler(ctx -> scrape(ctx, registry));
    router.get("/health/live").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(ctx -> ready(ctx, checks));
  }

  private static void scrape(RoutingContext ctx, PrometheusMeterRegistry registry) {
    ctx.vertx()
        .executeBlocking(registry::scrape, false)
        .onSuccess(text -> ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(text))
        .onFailure(ctx::fail);
  }

  private static void ready(RoutingContext ctx, List<Check> checks) {
    Map<String, Future<?>> probes = new LinkedHashMap<>();
    for (Check check : checks) {
      Future<?> probe;
      try {
        probe = check.probe().get();
      } catch (RuntimeException e) {
        probe = Future.failedFuture(e);
      }
      probes.put(check.name(), probe);
    }
    Future.join(List.copyOf(probes.values()))
        .onComplete(
            done -> {
              JsonObject details = new JsonObject();
              boolean up = true;
              for (Map.Entry<String, Future<?>> probe : probes.entrySet()) {
                boolean ok = probe.getValue().succeeded();
                up &= ok;
                details.put(probe.getKey(), ok ? "UP" : "DOWN: " + probe.getValue().cause().getMessage());
              }
              json(ctx, up ? 200 : 503, new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", details));
            });
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toBuffer());
  }
}
