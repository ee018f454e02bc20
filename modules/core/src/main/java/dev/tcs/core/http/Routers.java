package dev.tcs.core.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.List;

/**
 * The router every component starts from: request ids, the problem+json failure handler, and the
 * ops routes ({@code /metrics}, {@code /health/live}, {@code /health/ready}).
 */
public final class Routers {
  private Routers() {}

  public static Router base(Vertx vertx, PrometheusMeterRegistry registry, List<OpsRoutes.Check> readiness) {
    Router router = Router.router(vertx);
    router.route().handler(RequestIds::assign);
    OpsRoutes.mount(router, registry, readiness);
    router.route().failureHandler(ProblemHandler::handle);
    return router;
  }
}
