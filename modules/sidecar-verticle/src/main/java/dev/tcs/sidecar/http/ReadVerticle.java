package dev.tcs.sidecar.http;

import dev.tcs.core.http.HttpServers;
import dev.tcs.core.http.OpsRoutes;
import dev.tcs.core.http.Routers;
import dev.tcs.core.read.ReadFastPath;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.List;

/**
 * One HTTP server instance of the sidecar's read API (h2c and HTTP/1.1 on one port, shared by
 * every instance), plus {@code /metrics} and {@code /health/*}. The sidecar deploys one per event
 * loop; they share one {@link ReadRoutes} and so one cache and one hedged fetcher. Nothing here
 * blocks.
 */
public final class ReadVerticle extends VerticleBase {
  private final HttpServerOptions options;
  private final ReadRoutes routes;
  private final PrometheusMeterRegistry registry;
  private final List<OpsRoutes.Check> readiness;
  private volatile HttpServer server;

  public ReadVerticle(HttpServerOptions options, ReadRoutes routes, PrometheusMeterRegistry registry, List<OpsRoutes.Check> readiness) {
    this.options = options;
    this.routes = routes;
    this.registry = registry;
    this.readiness = List.copyOf(readiness);
  }

  @Override
  public Future<?> start() {
    Router router = Routers.base(vertx, registry, readiness);
    routes.mount(router);
    ReadFastPath fastPath = routes.fastPath(router);
    return HttpServers.guarded(vertx.createHttpServer(options))
        .connectionHandler(fastPath::onConnection)
        .requestHandler(fastPath)
        .listen()
        .onSuccess(listening -> server = listening);
  }

  /** The port this instance listens on (after start), else -1. */
  public int actualPort() {
    HttpServer listening = server;
    return listening == null ? -1 : listening.actualPort();
  }
}
