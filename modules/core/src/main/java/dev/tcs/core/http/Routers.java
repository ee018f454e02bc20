package dev.tcs.core.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.List;

/**
 * The router every component starts from: request ids, the problem+json failure handler (also for
 * requests no route matches: 404, 405, ...), and the ops routes ({@code /metrics},
 * {@code /health/live}, {@code /health/ready}).
 */
public final class Routers {
  private Routers() {}

  public static Router base(Vertx vertx, PrometheusMeterRegistry registry, List<OpsRoutes.Check> readiness) {
    Router router = Router.router(vertx);
    router.route().handler(RequestIds::assign);
    OpsRoutes.mount(router, registry, readiness);
    router.route().failureHandler(ProblemHandler::handle);
    // A request no route matches never reaches the failure handler: the router answers it itself
    // (text/html) unless an error handler is registered for the status.
    for (int status : new int[] {400, 404, 405, 406, 413, 415}) {
      router.errorHandler(status, ProblemHandler::handle);
    }
    return router;
  }
}
