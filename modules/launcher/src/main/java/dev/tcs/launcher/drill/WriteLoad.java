package dev.tcs.launcher.drill;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes at the catalogue, {@code writesPerSecond} PUTs of tenants drawn with the reads' Zipf law
 * (so the written tenants are the ones the sidecar holds, and their invalidations matter). Each
 * write that succeeds is followed by a {@link Freshness} check once its phase's fault has cleared;
 * a write that fails (after up to {@value #CONFLICT_RETRIES} retries of a 409) is a client-visible
 * error of its phase.
 */
final class WriteLoad {
  private final Vertx vertx;
  private final HttpClient http;
  private final String catalogue;
  private final String token;
  private final List<String> tenants;
  private final Zipf zipf;
  private final DrillSettings settings;
  private final Freshness freshness;
  private final ReadLoad reads;
  private static final int CONFLICT_RETRIES = 3;
  private final SplittableRandom random = new SplittableRandom(7);
  private volatile PhaseStats phase;
  private long timer = -1;
  private long sequence;

  WriteLoad(Vertx vertx, HttpClient http, String catalogue, String token, List<String> tenants, DrillSettings settings, Freshness freshness, ReadLoad reads) {
    this.reads = reads;
    this.vertx = vertx;
    this.http = http;
    this.catalogue = catalogue;
    this.token = token;
    this.tenants = tenants;
    this.zipf = new Zipf(tenants.size(), settings.zipfExponent());
    this.settings = settings;
    this.freshness = freshness;
  }

  /** The document the drill writes for {@code tenant}; {@code sequence} makes each write a change. */
  static JsonObject document(String tenant, long sequence) {
    return new JsonObject()
        .put("products", new JsonArray().add("jira"))
        .put("jira", new JsonObject().put("db-user", tenant.replace('-', '_') + "_jira").put("db-password", "drill-only").put("drill-write", sequence))
        .put("network-ingress", new JsonObject().put("/", "http://jira-us-east.internal"));
  }

  /** PUTs {@code document} for {@code tenant}; completes with the version the catalogue gave it. */
  static Future<Long> put(HttpClient http, String catalogue, String token, String tenant, JsonObject document) {
    return Http.send(http, HttpMethod.PUT, catalogue + "/v1/tenants/" + tenant, token, document.toBuffer(), Duration.ofSeconds(30))
        .compose(
            answer -> {
              if (answer.status() != 200 && answer.status() != 201) {
                return Future.failedFuture("HTTP " + answer.status() + " " + answer.body().toString());
              }
              return Future.succeededFuture(answer.body().toJsonObject().getLong("version"));
            });
  }

  void start(PhaseStats first) {
    phase = first;
    long period = Math.max(1, Math.round(1000 / settings.writesPerSecond()));
    vertx.runOnContext(v -> timer = vertx.setPeriodic(period, id -> write()));
  }

  void stop() {
    vertx.runOnContext(v -> vertx.cancelTimer(timer));
  }

  void phase(PhaseStats next) {
    phase = next;
  }

  private void write() {
    PhaseStats stats = phase;
    int index = zipf.next(random);
    String tenant = tenants.get(index);
    reads.writing(index);
    putRetryingConflicts(tenant, document(tenant, ++sequence), CONFLICT_RETRIES)
        .onSuccess(version -> {
          reads.wrote(index, version);
          check(stats, tenant, version, System.nanoTime());
        })
        .onFailure(e -> {
          boolean refused = e.getMessage() != null && e.getMessage().matches("(?s)HTTP 4\\d\\d .*"); // a 4xx (409 conflict): nothing was written
          reads.wrote(index, refused ? 0 : -1);
          stats.error("write: " + e.getMessage().lines().findFirst().orElse(""));
        });
  }

  /**
   * PUTs as a careful client would: a 409 means the catalogue lost the race for this tenant to
   * other writers several times in a row and wrote nothing, and its problem says to try again. The
   * Zipf law sends many of the drill's overlapping writes to the same few tenants, which on a
   * loaded box made such conflicts count as errors.
   */
  private Future<Long> putRetryingConflicts(String tenant, JsonObject document, int retries) {
    return put(http, catalogue, token, tenant, document)
        .recover(e -> {
          if (retries == 0 || e.getMessage() == null || !e.getMessage().startsWith("HTTP 409 ")) {
            return Future.failedFuture(e);
          }
          Promise<Void> pause = Promise.promise();
          vertx.setTimer(10 + random.nextInt(40), id -> pause.complete());
          return pause.future().compose(v -> putRetryingConflicts(tenant, document, retries - 1));
        });
  }

  /** Checks freshness from when the fault cleared, or from the write if it came later. */
  private void check(PhaseStats stats, String tenant, long version, long writtenNanos) {
    stats.freshness(stats.cleared.future().compose(clearedNanos -> freshness.visible(tenant, version, Math.max(clearedNanos, writtenNanos))));
  }

}
