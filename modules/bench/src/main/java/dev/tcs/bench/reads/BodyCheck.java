package dev.tcs.bench.reads;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Checks, before any load, that a target answers 200 with a body of the expected length at every
 * path, over HTTP/2 prior knowledge, retrying until a deadline; every attempt is bounded.
 *
 * <p>Every request is issued on one Vert.x context, the one that owns the client's connections.
 * Issued from the calling thread instead (a fresh context per request), Vert.x 5.0.8 delivers a
 * response's events to that context while the connection reads on its own loop: {@code
 * response.body()} can then be registered after the end of the stream was handled, and its future
 * never completes (eclipse-vertx/vert.x#6038, fixed after 5.0.8). The read bench hung exactly
 * there, between one target's check and the next, about once in 300 requests.
 */
final class BodyCheck implements AutoCloseable {
  private final Context context;
  private final HttpClientAgent http;
  private final Duration attemptTimeout;

  BodyCheck(Vertx vertx, Duration attemptTimeout) {
    this.context = vertx.getOrCreateContext();
    this.attemptTimeout = attemptTimeout;
    this.http = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
  }

  /** What one request got: a status and a body, or a failure. */
  record Answer(int status, Buffer body, String failure) {
    boolean matches(int length) {
      return failure == null && status == 200 && body.length() == length;
    }

    @Override
    public String toString() {
      return failure != null ? failure : status + " with " + body.length() + " bytes";
    }
  }

  /**
   * Waits until every url answers 200 with {@code expectedLength} bytes; throws naming the target,
   * the url and the last answer once {@code deadline} has passed.
   */
  void awaitBodies(String target, List<String> urls, String authorization, int expectedLength, Duration deadline) {
    for (String url : urls) {
      Answer last = retry(() -> get(url, authorization), answer -> answer.matches(expectedLength), deadline);
      if (!last.matches(expectedLength)) {
        throw new IllegalStateException(
            target + " did not answer " + url + " with 200 and the " + expectedLength + "-byte body within " + deadline.toSeconds() + " s; last answer: " + last);
      }
    }
  }

  /** {@code attempt} every 200 ms until an answer is {@code good} or {@code deadline} has passed; the last answer. */
  private static Answer retry(Supplier<Answer> attempt, Predicate<Answer> good, Duration deadline) {
    long end = System.nanoTime() + deadline.toNanos();
    Answer last = attempt.get();
    while (!good.test(last) && System.nanoTime() <= end) {
      ChildProcess.sleep(200);
      last = attempt.get();
    }
    return last;
  }

  /** One GET, bounded by the attempt timeout (a hung request becomes a failed answer). */
  Answer get(String url, String authorization) {
    return bounded(() -> request(url, authorization), "GET " + url);
  }

  /** One exchange on the context, bounded by the attempt timeout: a hung or failed one becomes a failed answer. */
  private Answer bounded(Supplier<Future<Answer>> exchange, String what) {
    try {
      return await(context, exchange, attemptTimeout, what);
    } catch (IllegalStateException e) {
      return new Answer(0, Buffer.buffer(), e.getMessage());
    }
  }

  /**
   * Opens a session at the server of {@code base} ({@code POST /v1/sessions} with the bearer
   * {@code authorization}) and returns its {@code Authorization} value, trying again until
   * {@code deadline}; then throws naming the last answer.
   */
  String openSession(String base, String authorization, Duration deadline) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(base + "/v1/sessions")
        .setConnectTimeout(attemptTimeout.toMillis()).setIdleTimeout(attemptTimeout.toMillis()).putHeader("Authorization", authorization);
    Answer last = retry(() -> bounded(() -> exchange(options), "POST " + options.getURI()), answer -> answer.failure() == null && answer.status() == 200, deadline);
    if (last.failure() != null || last.status() != 200) {
      throw new IllegalStateException("POST " + base + "/v1/sessions did not open a session within " + deadline.toSeconds() + " s; last answer: " + last + " " + last.body());
    }
    return last.body().toJsonObject().getString("authorization");
  }

  /**
   * Runs {@code call} on {@code context} and waits for its result at most {@code timeout}, from a
   * thread that is not Vert.x's; throws naming {@code what} on a timeout or failure.
   */
  static <T> T await(Context context, Supplier<Future<T>> call, Duration timeout, String what) {
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> call.get().onComplete(result));
    try {
      return result.future().toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(what + ": no answer within " + timeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      throw new IllegalStateException(what + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private Future<Answer> request(String url, String authorization) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url).setConnectTimeout(attemptTimeout.toMillis()).setIdleTimeout(attemptTimeout.toMillis());
    if (authorization != null) {
      options.putHeader("Authorization", authorization);
    }
    return exchange(options);
  }

  private Future<Answer> exchange(RequestOptions options) {
    return http.request(options)
        .compose(request -> request.send())
        .compose(response -> response.body().map(body -> Map.entry(response.statusCode(), body)))
        .map(entry -> new Answer(entry.getKey(), entry.getValue(), null))
        .recover(failure -> Future.succeededFuture(new Answer(0, Buffer.buffer(), failure.toString())));
  }

  @Override
  public void close() {
    try {
      http.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // closing a client that has nothing in flight: nothing to report
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
