package dev.tcs.projector;

import dev.tcs.core.config.Settings;
import dev.tcs.infra.FreePorts;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Small helpers of the component tests: bounded waits, a free port, plain HTTP GETs, a config. */
final class ItSupport {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private ItSupport() {}

  static <T> T await(Future<T> future, Duration timeout) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The status of {@code GET http://127.0.0.1:port/path}, or -1 if nothing answers. */
  static int status(int port, String path) {
    try {
      return get(port, path).statusCode();
    } catch (IOException e) {
      return -1;
    }
  }

  static HttpResponse<String> get(int port, String path) throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build();
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /** A projector config for one test: its own topics and group, the ops server on {@code port}. */
  static ProjectorConfig config(String bootstrap, int port, String eventsTopic, String viewsTopic, String group) {
    JsonObject json =
        new JsonObject()
            .put("http", new JsonObject().put("host", "127.0.0.1").put("port", port))
            .put("kafka", new JsonObject().put("bootstrap-servers", bootstrap).put("client-id", "projector-it"))
            .put("auth", new JsonObject().put("view-key", "test-secret-for-views-and-invalidations-0123456789"))
            .put(
                "projector",
                new JsonObject().put("group", group).put("events-topic", eventsTopic).put("views-topic", viewsTopic).put("partitions", 4));
    return ProjectorConfig.from(Settings.of("", json));
  }
}
