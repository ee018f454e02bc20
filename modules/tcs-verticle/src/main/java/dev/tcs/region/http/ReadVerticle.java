package dev.tcs.region.http;

import dev.tcs.core.http.HttpServers;
import dev.tcs.core.http.OpsRoutes;
import dev.tcs.core.http.Routers;
import dev.tcs.core.read.ReadApi;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.ext.web.Router;
import java.util.List;

/**
 * One HTTP server instance of a region's read API (HTTP/2 cleartext with prior knowledge and
 * HTTP/1.1 on one port, shared by all instances), plus {@code /metrics} and {@code /health/*}.
 * A region deploys several; they share one {@link ContextReader} and so one cache. Nothing here
 * blocks.
 */
public final class ReadVerticle extends VerticleBase {
  private final String host;
  private final int port;
  private final ContextReader reader;
  private final PrometheusMeterRegistry registry;
  private final List<OpsRoutes.Check> readiness;

  public ReadVerticle(String host, int port, ContextReader reader, PrometheusMeterRegistry registry, List<OpsRoutes.Check> readiness) {
    this.host = host;
    this.port = port;
    this.reader = reader;
    this.registry = registry;
    this.readiness = List.copyOf(readiness);
  }

  @Override
  public Future<?> start() {
    Router router = Routers.base(vertx, registry, readiness);
    router.get(ReadApi.TENANT_ROUTE).handler(reader::byTenant);
    router.get(ReadApi.HOST_ROUTE).handler(reader::byHost);
    return vertx.createHttpServer(HttpServers.options(host, port)).requestHandler(reader.fastPath(router)).listen();
  }
}
