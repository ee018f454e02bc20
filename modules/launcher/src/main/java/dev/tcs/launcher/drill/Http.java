package dev.tcs.launcher.drill;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/** The drill's HTTP clients: HTTP/2 (prior knowledge) for reads, HTTP/1.1 for writes, chaos and metrics. */
final class Http {
  /** A whole answer. */
  record Answer(int status, MultiMap headers, Buffer body) {}

  final HttpClient h2;
  final HttpClient h1;
  /**
   * Control calls ({@code /chaos}, {@code /metrics}) go through the JDK client, apart from the load's
   * pools, with a timeout on the whole exchange: in one soak a {@code POST /chaos} on the Vert.x
   * HTTP/1.1 pool (shared with the writes) reached the region but its future never completed,
   * despite the idle timeout. The idle timeout only covers the wait for the answer's head (Vert.x
   * cancels it when the head arrives), and the wait for a pooled connection had no bound at all:
   * {@link #send} now bounds both.
   */
  private final java.net.http.HttpClient control =
      java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

  Http(Vertx vertx) {
    this.h2 = h2(vertx);
    this.h1 = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(2000), new PoolOptions().setHttp1MaxSize(32));
  }

  /** An HTTP/2 client (prior knowledge) with up to 4 connections; use each from one context (see {@link Freshness}). */
  static HttpClient h2(Vertx vertx) {
    return vertx.createHttpClient(
        new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false).setConnectTimeout(2000),
        new PoolOptions().setHttp2MaxSize(4).setMaxWaitQueueSize(-1));
  }

  /** How far an exchange got (for a drill that abandons one): a stream obtained, the request sent, the answer's head read. */
  enum Stage { WAITING_FOR_STREAM, STREAM_OBTAINED, HEAD_RECEIVED, DONE }

  static Future<Answer> send(HttpClient client, HttpMethod method, String url, String token, Buffer body, Duration timeout) {
    return send(client, method, url, token, body, timeout, new AtomicReference<>());
  }

  static Future<Answer> send(
      HttpClient client, HttpMethod method, String url, String token, Buffer body, Duration timeout, AtomicReference<Stage> stage) {
    stage.set(Stage.WAITING_FOR_STREAM);
    // Both waits Vert.x leaves unbounded are bounded here: the wait for a connection or stream from
    // the pool (no connect timeout by default) and the body after the head (the request's idle
    // timeout is cancelled when the head arrives: HttpClientRequestBase.handleResponse).
    RequestOptions options =
        new RequestOptions().setMethod(method).setAbsoluteURI(url).setIdleTimeout(timeout.toMillis()).setConnectTimeout(timeout.toMillis());
    if (token != null) {
      options.putHeader("Authorization", "Bearer " + token);
    }
    if (body != null) {
      options.putHeader("Content-Type", "application/json");
    }
    return client
        .request(options)
        .compose(request -> {
          stage.set(Stage.STREAM_OBTAINED);
          return body != null ? request.send(body) : request.send();
        })
        .compose(response -> {
          stage.set(Stage.HEAD_RECEIVED);
          Vertx owner = Vertx.currentContext().owner();
          long stalled = owner.setTimer(timeout.toMillis(), id -> response.request().reset(0, new TimeoutException("no body within " + timeout + " of the head")));
          return response.body().andThen(done -> owner.cancelTimer(stalled)).map(b -> {
            stage.set(Stage.DONE);
            return new Answer(response.statusCode(), response.headers(), b);
          });
        });
  }

  /** A blocking control call (never on an event loop): one retry after a timeout or I/O failure. */
  Answer control(String method, String url, String token, String jsonBody, Duration timeout) {
    java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).timeout(timeout);
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (jsonBody != null) {
      request.header("Content-Type", "application/json").method(method, java.net.http.HttpRequest.BodyPublishers.ofString(jsonBody));
    } else {
      request.method(method, java.net.http.HttpRequest.BodyPublishers.noBody());
    }
    java.io.IOException failure = null;
    for (int attempt = 1; attempt <= 2; attempt++) {
      try {
        java.net.http.HttpResponse<String> response = control.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), MultiMap.caseInsensitiveMultiMap(), Buffer.buffer(response.body()));
      } catch (java.io.IOException e) {
        failure = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted calling " + method + " " + url, e);
      }
    }
    throw new java.io.UncheckedIOException(method + " " + url + " failed twice", failure);
  }

  static Future<Answer> get(HttpClient client, String url, String token, Duration timeout) {
    return send(client, HttpMethod.GET, url, token, null, timeout);
  }

  /** The {@code TCS-Version} of an answer, or -1 when absent or not a number. */
  static long version(Answer answer) {
    String value = answer.headers().get("TCS-Version");
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

}
