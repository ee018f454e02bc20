package dev.tcs.launcher;

import dev.tcs.catalogue.importer.BulkImporter;
import dev.tcs.catalogue.importer.ImportFailure;
import dev.tcs.catalogue.importer.ImportReport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Imports the demo tenants through the catalogue's HTTP API, as any writer would, and waits until
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

  /** Imports {@code jsonl} through the catalogue API (re-running changes nothing); returns how many lines were imported. */
  int seed(Path jsonl) {
    try (BulkImporter importer = new BulkImporter(vertx, URI.create(endpoints.catalogue()), writerToken, 4)) {
      ImportReport report = importer.importFile(jsonl, progress -> {}).await();
      if (!report.succeeded()) {
        ImportFailure first = report.failures().get(0);
        throw new IllegalStateException("seeding " + jsonl + " failed at line " + first.line() + ": HTTP " + first.status() + " " + first.detail());
      }
      return (int) report.total();
    }
  }

  /** Polls the sidecar until {@code tenantId} answers 200 for {@code token}; returns how long it took. */
  Duration awaitReadable(String tenantId, String token, Duration timeout) {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    String url = endpoints.sidecar() + "/v1/tenants/" + tenantId + "/context";
    while (System.nanoTime() < deadline) {
      Integer status = get(url, token).otherwise(-1).await();
      if (status == 200) {
        return Duration.ofNanos(System.nanoTime() - start);
      }
      vertx.timer(50).await();
    }
    throw new IllegalStateException("tenant " + tenantId + " was not readable through the sidecar within " + timeout.toSeconds() + " s");
  }

  private Future<Integer> get(String url, String token) {
    RequestOptions options =
        new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url).putHeader("Authorization", "Bearer " + token);
    return http.request(options).compose(HttpClientRequest::send).compose(response -> response.body().map(ignored -> response.statusCode()));
  }
}
