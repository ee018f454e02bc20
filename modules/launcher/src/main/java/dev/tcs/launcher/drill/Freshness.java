package dev.tcs.launcher.drill;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures how long a written version takes to be visible at every target (each region's read
 * API and the sidecar): polls each target every {@value #POLL_MS} ms (by default) until it answers that version
 * or a newer one. Gives up {@code patience} after the start, so a write that never arrives shows
 * as -1 rather than hanging the drill.
 */
final class Freshness {
  static final long POLL_MS = 25;

  private final Vertx vertx;
  private final HttpClient http;
  private final List<String> targets;
  private final String token;
  private final Duration patience;
  private static final Duration POLL_TIMEOUT = Duration.ofSeconds(2);
  private final long pollMillis;
  /** Polls abandoned, by the stage they were stuck at and the target (diagnosis). */
  final java.util.Map<String, java.util.concurrent.atomic.LongAdder> abandoned = new java.util.concurrent.ConcurrentHashMap<>();

  Freshness(Vertx vertx, HttpClient http, List<String> targets, String token, Duration patience) {
    this(vertx, http, targets, token, patience, POLL_MS);
  }

  /** As above, polling every {@code pollMillis} (seeding polls many tenants: slower, to leave the regions room to ingest). */
  Freshness(Vertx vertx, HttpClient http, List<String> targets, String token, Duration patience, long pollMillis) {
    this.pollMillis = pollMillis;
    this.vertx = vertx;
    this.http = http;
    this.targets = List.copyOf(targets);
    this.token = token;
    this.patience = patience;
  }

  /**
   * Completes with the millis from {@code startNanos} until {@code tenant} answered at least
   * {@code version} at every target, or -1 if some target did not within the patience.
   */
  Future<Long> visible(String tenant, long version, long startNanos) {
    List<Future<Long>> each = new ArrayList<>();
    for (String target : targets) {
      Promise<Long> seen = Promise.promise();
      poll(target + "/v1/tenants/" + tenant + "/context", version, startNanos, seen);
      each.add(seen.future());
    }
    return Future.all(each)
        .map(
            all -> {
              long worst = 0;
              for (Future<Long> one : each) {
                if (one.result() < 0) {
                  return -1L;
                }
                worst = Math.max(worst, one.result());
              }
              return worst;
            });
  }

  /**
   * One poll, abandoned after {@link #POLL_TIMEOUT}: a Vert.x request future that never completes
   * (seen a few times in drills, cause not found) must cost one poll, not the whole check.
   */
  private void poll(String url, long version, long startNanos, Promise<Long> seen) {
    Promise<Http.Answer> attempt = Promise.promise();
    java.util.concurrent.atomic.AtomicReference<Http.Stage> stage = new java.util.concurrent.atomic.AtomicReference<>();
    long timer = vertx.setTimer(POLL_TIMEOUT.toMillis() + 500, id -> {
      if (attempt.tryFail("poll of " + url + " did not complete in " + POLL_TIMEOUT)) {
        abandoned.computeIfAbsent(stage.get() + " " + url.replaceAll("/v1/.*", ""), k -> new java.util.concurrent.atomic.LongAdder()).increment();
      }
    });
    Http.send(http, io.vertx.core.http.HttpMethod.GET, url, token, null, POLL_TIMEOUT, stage)
        .onComplete(
            answer -> {
              vertx.cancelTimer(timer);
              if (answer.succeeded()) {
                attempt.tryComplete(answer.result());
              } else {
                attempt.tryFail(answer.cause());
              }
            });
    attempt
        .future()
        .onComplete(
            answer -> {
              long now = System.nanoTime();
              if (answer.succeeded() && answer.result().status() == 200 && Http.version(answer.result()) >= version) {
                seen.complete(Math.max(0, (now - startNanos) / 1_000_000));
              } else if (now - startNanos > patience.toNanos()) {
                seen.complete(-1L);
              } else {
                vertx.setTimer(pollMillis, id -> poll(url, version, startNanos, seen));
              }
            });
  }
}
