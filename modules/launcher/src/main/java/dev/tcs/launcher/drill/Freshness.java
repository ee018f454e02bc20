package dev.tcs.launcher.drill;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Measures how long a written version takes to be visible at every target (each region's read
 * API and the sidecar): polls each target every {@value #POLL_MS} ms (by default) until it answers that version
 * or a newer one. Gives up {@code patience} after the start, so a write that never arrives shows
 * as -1 rather than hanging the drill.
 *
 * <p>Every poll runs on one context of its own, with an HTTP/2 client of its own, so each
 * connection is used from the context that opened it. Polls issued from other threads on a
 * shared client stalled now and then after the answer's head (3 in a 6-minute soak, each costing
 * the poll's 2.5 s backstop): on Vert.x 5.0.8 the body of an answer handed to another context
 * can end before {@code body()} is registered, and that future never completes
 * (eclipse-vertx/vert.x#6038; the read bench's {@code BodyCheck} met the same race).
 */
final class Freshness {
  static final long POLL_MS = 25;

  private final Vertx vertx;
  private final Context context;
  private final HttpClient http;
  /** Each target's base URL by its name (a region's name, or "sidecar"). */
  private final Map<String, String> targets;
  private final String token;
  private final Duration patience;
  private static final Duration POLL_TIMEOUT = Duration.ofSeconds(2);
  private final long pollMillis;
  /** Polls abandoned, by the stage they were stuck at and the target (diagnosis). */
  final Map<String, LongAdder> abandoned = new ConcurrentHashMap<>();

  /**
   * When one write became visible: {@code millis} until every target answered it (-1 if one never
   * did), and each target's own millis by name, so a late write says where it was late.
   */
  record Seen(String tenant, long version, long millis, Map<String, Long> byTarget) {
    /** A check that never completed. */
    static Seen never() {
      return new Seen("?", -1, -1, Map.of());
    }

    @Override
    public String toString() {
      return tenant + " v" + version + ": " + byTarget;
    }

    /** The target that answered last, or first of those that never did ("?" when unknown). */
    String slowest() {
      return byTarget.entrySet().stream()
          .max((a, b) -> Long.compare(a.getValue() < 0 ? Long.MAX_VALUE : a.getValue(), b.getValue() < 0 ? Long.MAX_VALUE : b.getValue()))
          .map(Map.Entry::getKey)
          .orElse("?");
    }
  }

  Freshness(Vertx vertx, Map<String, String> targets, String token, Duration patience) {
    this(vertx, targets, token, patience, POLL_MS);
  }

  /** As above, polling every {@code pollMillis} (seeding polls many tenants: slower, to leave the regions room to ingest). */
  Freshness(Vertx vertx, Map<String, String> targets, String token, Duration patience, long pollMillis) {
    this.pollMillis = pollMillis;
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.http = Http.h2(vertx);
    this.targets = new LinkedHashMap<>(targets);
    this.token = token;
    this.patience = patience;
  }

  /**
   * Completes when {@code tenant} answered at least {@code version} at every target, with the
   * millis from {@code startNanos} per target ({@link Seen#millis} -1 if some target did not within
   * the patience).
   */
  Future<Seen> visible(String tenant, long version, long startNanos) {
    Map<String, Future<Long>> each = new LinkedHashMap<>();
    targets.forEach((name, base) -> {
      Promise<Long> seen = Promise.promise();
      context.runOnContext(v -> poll(base + "/v1/tenants/" + tenant + "/context", version, startNanos, seen));
      each.put(name, seen.future());
    });
    return Future.all(List.copyOf(each.values()))
        .map(
            all -> {
              Map<String, Long> byTarget = new LinkedHashMap<>();
              long worst = 0;
              for (Map.Entry<String, Future<Long>> one : each.entrySet()) {
                long millis = one.getValue().result();
                byTarget.put(one.getKey(), millis);
                worst = worst < 0 || millis < 0 ? -1 : Math.max(worst, millis);
              }
              return new Seen(tenant, version, worst, byTarget);
            });
  }

  /**
   * One poll. {@link Http#send} bounds every wait of the exchange; this timer, a little later, is a
   * backstop: a poll it abandons costs one poll, not the whole check, and is reported by the stage
   * it was stuck at ({@link #abandoned}, printed at the end of the drill).
   */
  private void poll(String url, long version, long startNanos, Promise<Long> seen) {
    Promise<Http.Answer> attempt = Promise.promise();
    AtomicReference<Http.Stage> stage = new AtomicReference<>();
    long timer = vertx.setTimer(POLL_TIMEOUT.toMillis() + 500, id -> {
      if (attempt.tryFail("poll of " + url + " did not complete in " + POLL_TIMEOUT)) {
        abandoned.computeIfAbsent(stage.get() + " " + url.replaceAll("/v1/.*", ""), k -> new LongAdder()).increment();
      }
    });
    Http.send(http, HttpMethod.GET, url, token, null, POLL_TIMEOUT, stage)
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
