package dev.tcs.region.http;

import dev.tcs.core.http.HttpServers;
import dev.tcs.core.http.OpsRoutes;
import dev.tcs.core.http.Routers;
import dev.tcs.core.read.ReadFastPath;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.VerticleBase;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One HTTP server instance of a region's read API (HTTP/2 cleartext with prior knowledge and
 * HTTP/1.1 on one port, shared by all instances), plus {@code /metrics} and {@code /health/*}.
 * A region deploys several; they share one {@link ContextReader} and so one cache. Cache hits
 * take the read fast path before routing, except while {@code readFaults} says a read fault is
 * active: then every request goes through the router, so the chaos gate sees hits too. Nothing
 * here blocks.
 */
public final class ReadVerticle extends VerticleBase {
  private final HttpServerOptions options;
  private final ContextReader reader;
  private final PrometheusMeterRegistry registry;
  private final List<OpsRoutes.Check> readiness;
  private final Consumer<Router> extraRoutes;
  private final BooleanSupplier readFaults;

  /**
   * @param options where and how to listen (host, port, TLS)
   * @param extraRoutes mounted after the ops routes and before the read routes (the region's chaos
   *     controls, which gate reads)
   * @param readFaults true while a fault acts on reads (the chaos gate in {@code extraRoutes}):
   *     asked per request, so it must be cheap; while true no request takes the fast path
   */
  public ReadVerticle(
      HttpServerOptions options,
      ContextReader reader,
      PrometheusMeterRegistry registry,
      List<OpsRoutes.Check> readiness,
      Consumer<Router> extraRoutes,
      BooleanSupplier readFaults) {
    this.options = options;
    this.reader = reader;
    this.registry = registry;
    this.readiness = List.copyOf(readiness);
    this.extraRoutes = extraRoutes;
    this.readFaults = readFaults;
  }

  @Override
  public Future<?> start() {
    Router router = Routers.base(vertx, registry, readiness);
    extraRoutes.accept(router);
    reader.mount(router);
    ReadFastPath fastPath = reader.fastPath(router, readFaults);
    return HttpServers.guarded(vertx.createHttpServer(options))
        .connectionHandler(fastPath::onConnection)
        .requestHandler(fastPath)
        .listen();
  }
}
