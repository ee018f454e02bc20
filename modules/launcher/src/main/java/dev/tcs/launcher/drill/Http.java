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

/** The drill's HTTP clients: HTTP/2 (prior knowledge) for reads, HTTP/1.1 for writes, chaos and metrics. */
final class Http {
  /** A whole answer. */
  record Answer(int status, MultiMap headers, Buffer body) {}

  final HttpClient h2;
  final HttpClient h1;

  Http(Vertx vertx) {
    this.h2 =
        vertx.createHttpClient(
            new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false).setConnectTimeout(2000),
            new PoolOptions().setHttp2MaxSize(4).setMaxWaitQueueSize(-1));
    this.h1 = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(2000), new PoolOptions().setHttp1MaxSize(32));
  }

  static Future<Answer> send(HttpClient client, HttpMethod method, String url, String token, Buffer body, Duration timeout) {
    RequestOptions options = new RequestOptions().setMethod(method).setAbsoluteURI(url).setIdleTimeout(timeout.toMillis());
    if (token != null) {
      options.putHeader("Authorization", "Bearer " + token);
    }
    if (body != null) {
      options.putHeader("Content-Type", "application/json");
    }
    return client
        .request(options)
        .compose(request -> body != null ? request.send(body) : request.send())
        .compose(response -> response.body().map(b -> new Answer(response.statusCode(), response.headers(), b)));
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
