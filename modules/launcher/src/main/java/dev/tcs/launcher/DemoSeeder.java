package dev.tcs.launcher;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Writes the demo tenants through the catalogue's HTTP API, as any writer would, and waits until
 * one is readable through the sidecar. Blocking: for {@code main} only.
 */
final class DemoSeeder {
  private final Vertx vertx;
  private final HttpClient http;
  private final DemoSystem.Endpoints endpoints;
  private final String writerToken;

  DemoSeeder(Vertx vertx, DemoSystem.Endpoints endpoints, String writerToken) {
    this.vertx = vertx;
    this.http = vertx.createHttpClient();
    this.endpoints = endpoints;
    this.writerToken = writerToken;
  }

  /** PUTs every line of {@code jsonl} (re-running changes nothing); returns how many were written. */
  int seed(Path jsonl) {
    List<String> lines;
    try {
      lines = Files.readAllLines(jsonl).stream().filter(line -> !line.isBlank()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read demo tenants " + jsonl, e);
    }
    for (String line : lines) {
      JsonObject tenant = new JsonObject(line);
      String id = tenant.getString("tenantId");
      int status = send(HttpMethod.PUT, endpoints.catalogue() + "/v1/tenants/" + id, writerToken, tenant.toBuffer()).await();
      if (status >= 300) {
        throw new IllegalStateException("seeding tenant " + id + " failed with HTTP " + status);
      }
    }
    return lines.size();
  }

  /** Polls the sidecar until {@code tenantId} answers 200 for {@code token}; returns how long it took. */
  Duration awaitReadable(String tenantId, String token, Duration timeout) {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    String url = endpoints.sidecar() + "/v1/tenants/" + tenantId + "/context";
    while (System.nanoTime() < deadline) {
      Integer status = send(HttpMethod.GET, url, token, null).otherwise(-1).await();
      if (status == 200) {
        return Duration.ofNanos(System.nanoTime() - start);
      }
      vertx.timer(50).await();
    }
    throw new IllegalStateException("tenant " + tenantId + " was not readable through the sidecar within " + timeout.toSeconds() + " s");
  }

  private Future<Integer> send(HttpMethod method, String url, String token, Buffer body) {
    RequestOptions options =
        new RequestOptions().setMethod(method).setAbsoluteURI(url).putHeader("Authorization", "Bearer " + token);
    if (body != null) {
      options.putHeader("Content-Type", "application/json");
    }
    return http.request(options)
        .compose(request -> body != null ? request.send(body) : request.send())
        .compose(response -> response.body().map(ignored -> statusOf(response)));
  }

  private static int statusOf(HttpClientResponse response) {
    return response.statusCode();
  }
}
