package dev.tcs.launcher.drill;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Steady reads on the sidecar, as an application sends them: {@code readsPerSecond} tenant reads
 * over HTTP/2, tenants drawn with Zipf's law, paced by a 10 ms timer (open loop: a slow answer does
 * not slow the sending), at most {@code maxInFlight} at once (beyond, a read is counted as shed).
 *
 * <p>Each answer must be a 200 carrying {@code TCS-Version} (every tenant read exists: a 404 is an
 * error too); anything else, or a transport failure or timeout, is a client-visible error. The
 * load keeps per tenant the highest version answered so far: an answer to a read sent after a
 * higher version had been answered is a regression.
 *
 * <p>While no region answers ({@link #onlySeen}), the sidecar can answer only what it holds. A read
 * is then owed an answer when the sidecar had already answered the newest version the drill wrote
 * of its tenant (it held a current copy, in memory or in its snapshot); a read of a tenant written
 * since (an invalidation told the sidecar its copy is outdated and it dropped it) cannot be
 * answered, and its 503 is counted apart ({@link PhaseStats#excused}), not as an error.
 *
 * <p>Runs on its own Vert.x event loop; {@link #phase}, {@link #pause} and {@link #onlySeen} may be
 * called from any thread.
 */
final class ReadLoad {
  private static final long TICK_MS = 10;

  private final Vertx vertx;
  private final HttpClient http;
  private final String sidecar;
  private final String token;
  private final List<String> tenants;
  private final Zipf zipf;
  private final DrillSettings settings;
  private final AtomicLongArray highest;
  /** Per tenant, the newest version the drill wrote ({@link Long#MAX_VALUE} after a write that failed: it may have happened). */
  private final AtomicLongArray written;
  /** Per tenant, writes sent and not answered yet (writes of one tenant overlap on a loaded box). */
  private final AtomicIntegerArray writesOut;
  private final SplittableRandom random = new SplittableRandom(42);
  private volatile PhaseStats phase;
  private volatile boolean paused;
  private volatile boolean onlySeen;
  private long timer = -1;
  private long lastTick;
  private double credit;
  private int inFlight; // event-loop confined
  private volatile int inFlightSeen; // its last value, for other threads

  ReadLoad(Vertx vertx, HttpClient http, String sidecar, String token, List<String> tenants, DrillSettings settings) {
    this.vertx = vertx;
    this.http = http;
    this.sidecar = sidecar;
    this.token = token;
    this.tenants = tenants;
    this.zipf = new Zipf(tenants.size(), settings.zipfExponent());
    this.settings = settings;
    this.highest = new AtomicLongArray(tenants.size());
    this.written = new AtomicLongArray(tenants.size());
    this.writesOut = new AtomicIntegerArray(tenants.size());
  }

  /** A write of {@code tenant} (an index into the tenants) is being sent: until every write of it is answered, no read of it is owed. */
  void writing(int tenant) {
    writesOut.incrementAndGet(tenant);
  }

  /**
   * A write of {@code tenant} ended: answered with {@code version}; 0 when refused (nothing written);
   * negative when it failed otherwise (it may have happened: no read of the tenant is owed again).
   */
  void wrote(int tenant, long version) {
    written.accumulateAndGet(tenant, version < 0 ? Long.MAX_VALUE : version, Math::max);
    writesOut.decrementAndGet(tenant);
  }

  /** True when the sidecar has answered the newest version written of {@code tenant}: it holds a current copy. */
  private boolean heldCurrent(int tenant) {
    long floor = highest.get(tenant);
    return floor > 0 && writesOut.get(tenant) == 0 && floor >= written.get(tenant);
  }

  void start(PhaseStats first) {
    phase = first;
    vertx.runOnContext(v -> {
      lastTick = System.nanoTime();
      timer = vertx.setPeriodic(TICK_MS, id -> tick());
    });
  }

  void stop() {
    vertx.runOnContext(v -> vertx.cancelTimer(timer));
  }

  /** Reads sent from now on count in {@code next}. */
  void phase(PhaseStats next) {
    phase = next;
  }

  /** While paused no read is sent (the sidecar is being restarted: there is nothing to send to). */
  void pause(boolean pause) {
    paused = pause;
  }

  /** True: read only tenants already answered once (while no region answers, nothing can answer the others). */
  void onlySeen(boolean only) {
    onlySeen = only;
  }

  /** Waits (blocking; never on an event loop) until no read is in flight, at most {@code timeout}. */
  void awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (inFlightSeen == 0) {
        return;
      }
      Thread.sleep(20);
    }
  }

  private void tick() {
    long now = System.nanoTime();
    credit += settings.readsPerSecond() * (now - lastTick) / 1e9;
    lastTick = now;
    int due = (int) credit;
    credit -= due;
    if (paused) {
      return;
    }
    PhaseStats stats = phase;
    for (int i = 0; i < due; i++) {
      int tenant = pick();
      if (tenant < 0) {
        continue;
      }
      if (inFlight >= settings.maxInFlight()) {
        stats.shed.increment();
        continue;
      }
      read(stats, tenant);
    }
  }

  private int pick() {
    for (int attempt = 0; attempt < 20; attempt++) {
      int tenant = zipf.next(random);
      if (!onlySeen || highest.get(tenant) > 0) {
        return tenant;
      }
    }
    return -1;
  }

  private void read(PhaseStats stats, int tenant) {
    long floor = highest.get(tenant);
    // Judged when sent: while no region answers, only a read of a tenant the sidecar holds a current copy of is owed an answer.
    boolean owed = !onlySeen || heldCurrent(tenant);
    long started = System.nanoTime();
    inFlight++;
    inFlightSeen = inFlight;
    stats.requests.increment();
    stats.inFlight.increment();
    AtomicReference<Http.Stage> stage = new AtomicReference<>();
    AtomicBoolean settled = new AtomicBoolean();
    // A backstop: Http.send bounds the pool wait, the head and the body; a read it let hang would still count, naming its stage.
    long watchdog = vertx.setTimer(settings.readTimeout().toMillis() + 500, id -> {
      if (settled.compareAndSet(false, true)) {
        inFlight--;
        inFlightSeen = inFlight;
        stats.inFlight.decrement();
        stats.error("read never completed (stuck at " + stage.get() + ")");
      }
    });
    Http.send(http, HttpMethod.GET, sidecar + "/v1/tenants/" + tenants.get(tenant) + "/context", token, null, settings.readTimeout(), stage)
        .onComplete(
            done -> {
              vertx.cancelTimer(watchdog);
              if (!settled.compareAndSet(false, true)) {
                return;
              }
              inFlight--;
              inFlightSeen = inFlight;
              stats.inFlight.decrement();
              stats.latency.recordValue(Math.max(1, (System.nanoTime() - started) / 1_000));
              if (done.failed()) {
                stats.error("transport (" + stage.get() + "): " + kind(done.cause()));
                return;
              }
              Http.Answer answer = done.result();
              if (answer.status() != 200) {
                if (owed) {
                  stats.error("HTTP " + answer.status() + problemTitle(answer));
                } else {
                  stats.excused("HTTP " + answer.status() + problemTitle(answer) + " of a tenant written since the sidecar last answered it (its copy was invalidated; no region answers)");
                }
                return;
              }
              long version = Http.version(answer);
              if (version < 1) {
                stats.error("200 without TCS-Version");
                return;
              }
              if (version < floor) {
                stats.regression(tenants.get(tenant), floor, version);
              }
              highest.accumulateAndGet(tenant, version, Math::max);
            });
  }

  private static String kind(Throwable cause) {
    String message = cause.getMessage();
    String simple = cause.getClass().getSimpleName();
    return message == null ? simple : simple + " " + (message.length() > 60 ? message.substring(0, 60) : message);
  }

  private static String problemTitle(Http.Answer answer) {
    try {
      String title = answer.body().toJsonObject().getString("title");
      return title == null ? "" : " " + title;
    } catch (RuntimeException e) {
      return "";
    }
  }
}
