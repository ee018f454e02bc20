package dev.tcs.bench.reads;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The baseline of {@link ReadBench}: what Vert.x 5 itself allows on this machine. A bare HTTP
 * server (h2c prior knowledge and HTTP/1.1 on one port, no router, no token check) answering each
 * path from a map with the same body the regions serve, one verticle instance per core.
 *
 * <pre>java ... dev.tcs.bench.reads.BareVertxServer PORT BODY_FILE PATH...</pre>
 */
public final class BareVertxServer extends VerticleBase {
  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");

  private final int port;
  private final Map<String, Buffer> bodies;

  BareVertxServer(int port, Map<String, Buffer> bodies) {
    this.port = port;
    this.bodies = bodies;
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    Buffer body = Buffer.buffer(Files.readAllBytes(Path.of(args[1])));
    Map<String, Buffer> bodies = new HashMap<>();
    for (String path : List.of(args).subList(2, args.length)) {
      bodies.put(path, body);
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true)); // as the components (core Metrics.vertx)
    int instances = Runtime.getRuntime().availableProcessors();
    vertx.deployVerticle(() -> new BareVertxServer(port, bodies), new DeploymentOptions().setInstances(instances)).await();
    System.out.println("READY bare vert.x on port " + port + ", " + instances + " instances, native transport " + vertx.isNativeTransportEnabled());
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port)).requestHandler(this::answer).listen();
  }

  private void answer(HttpServerRequest request) {
    Buffer body = bodies.get(request.path());
    if (body == null) {
      request.response().setStatusCode(404).end();
      return;
    }
    request.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(body);
  }
}
