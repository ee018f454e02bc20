package dev.tcs.sidecar.lane;

import dev.tcs.core.http.RequestIds;
import dev.tcs.core.read.ReadApi;
import dev.tcs.sidecar.SidecarMetrics.RegionOutcome;
import dev.tcs.sidecar.SidecarMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import dev.tcs.core.http.Tls;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sidecar's isolated path to one region: a verticle of its own, so its HTTP client, its
 * HTTP/2 connection (cleartext, prior knowledge), its timers and its callbacks all live on its
 * own event-loop context, with its own bound on reads in flight ({@link LaneLimit}) and its own
 * timeout. A slow or dead region fills only its own lane; a full lane rejects at once, on the
 * caller's thread, without touching the region's event loop.
 *
 * <p>The lane keeps its connection warm: most reads are hits, so a lane may carry no read for
 * minutes, and a miss should not pay for a new connection (a TCP and TLS handshake to another
 * region can take longer than the lane's timeout). Every {@link KeepWarm#every} the lane sends an
 * HTTP/2 PING on the connection its last read used; the PING is also what keeps the region's
 * server from closing it as idle. A connection that does not answer the PING within
 * {@link KeepWarm#pongWithin} is closed, so that the next read connects afresh instead of timing
 * out on a connection whose peer is gone without a word (a host that died, a dropped route).
 *
 * <p>Consumes {@link RegionRequest}s from any Vert.x context; produces {@link RegionAnswer}s
 * back on that context. Counts every request in {@link SidecarMetrics#REGION_REQUESTS}. Never
 * blocks.
 */
public final class RegionLane extends VerticleBase implements Lane {
  private static final Logger log = LoggerFactory.getLogger(RegionLane.class);

  private final String region;
  private final URI url;
  private final Tls.Client tls;
  private final String basePath;
  private final long timeoutMillis;
  private final LaneLimit limit;
  private final SidecarMetrics.RegionMeters meters;
  /** At most this many lost hedges' reads are left to finish at once ({@link Exchange#drain}). */
  static final int MAX_DRAINING = 64;
  private volatile Context laneContext;
  /** Lost hedges' reads still running; confined to the lane's context. */
  private int draining;
  /** Reads asking the client's pool for a connection now; written only on the lane's context. */
  private volatile int waitingForConnection;
  private volatile HttpClientAgent client;
  private final KeepWarm keepWarm;
  /** The connection the last read went out on, while it is open; confined to the lane's context. */
  private HttpConnection connection;
  private long keepWarmTimer = -1;

  /**
   * How the lane keeps its connection: a PING every {@code every}, and the connection closed when
   * its answer takes longer than {@code pongWithin}.
   */
  record KeepWarm(Duration every, Duration pongWithin) {
    /** Well inside the 120 s after which a TCS server closes a connection it has read nothing on. */
    static final KeepWarm DEFAULT = new KeepWarm(Duration.ofSeconds(30), Duration.ofSeconds(5));
  }

  /**
   * @param region the configured region name
   * @param url the region's base URL, {@code http://host:port[/prefix]}
   * @param timeout how long one read may take, connecting included
   * @param limit the bound on reads in flight
   * @param metrics where the lane's meters are registered
   */
  public RegionLane(String region, URI url, Duration timeout, LaneLimit limit, SidecarMetrics metrics) {
    this(region, url, timeout, limit, metrics, Tls.Client.DEFAULT);
  }

  /** A lane whose {@code https} URL is reached with {@code tls} (trust, and a client certificate for mutual TLS). */
  public RegionLane(String region, URI url, Duration timeout, LaneLimit limit, SidecarMetrics metrics, Tls.Client tls) {
    this(region, url, timeout, limit, metrics, tls, KeepWarm.DEFAULT);
  }

  RegionLane(String region, URI url, Duration timeout, LaneLimit limit, SidecarMetrics metrics, Tls.Client tls, KeepWarm keepWarm) {
    this.keepWarm = keepWarm;
    this.tls = tls;
    this.region = region;
    this.url = url;
    String path = url.getRawPath() == null ? "" : url.getRawPath();
    this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    this.timeoutMillis = Math.max(1, timeout.toMillis());
    this.limit = limit;
    this.meters = metrics.region(region, limit::inFlight);
  }

  @Override
  public String region() {
    return region;
  }

  @Override
  public Future<?> start() {
    client = vertx.createHttpClient(clientOptions(), poolOptions());
    laneContext = context;
    keepWarmTimer = vertx.setPeriodic(keepWarm.every().toMillis(), id -> ping());
    log.info("region lane started region={} url={} timeoutMs={}", region, url, timeoutMillis);
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    laneContext = null;
    vertx.cancelTimer(keepWarmTimer);
    return client.close();
  }

  @Override
  public LaneCall call(RegionRequest request) {
    Context lane = laneContext;
    if (lane == null) {
      return LaneCall.failed(new LaneFailure(region, LaneFailure.Kind.ERROR, "lane is not running"));
    }
    Optional<LaneLimit.Permit> permit = limit.tryAcquire();
    if (permit.isEmpty()) {
      meters.record(RegionOutcome.REJECTED, -1);
      return LaneCall.failed(new LaneFailure(region, LaneFailure.Kind.REJECTED, "lane full with " + limit.inFlight() + " reads in flight"));
    }
    Exchange exchange = new Exchange(request, permit.get(), Vertx.currentContext());
    lane.runOnContext(v -> exchange.send());
    return exchange;
  }

  private HttpClientOptions clientOptions() {
    HttpClientOptions options = new HttpClientOptions()
        .setName("tcs-sidecar-" + region)
        .setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false)
        .setDefaultHost(url.getHost())
        .setDefaultPort(url.getPort())
        .setConnectTimeout((int) timeoutMillis)
        .setTcpNoDelay(true)
        .setKeepAlive(true)
        .setHttp2KeepAliveTimeout(0); // never closed for want of reads: kept warm by PINGs (see ping)
    // https: HTTP/2 negotiated by ALPN over TLS; http: HTTP/2 with prior knowledge (h2c).
    return "https".equals(url.getScheme()) ? Tls.apply(options, tls) : options;
  }

  /**
   * Sends a PING on the connection the last read used, and closes it when the answer does not
   * come within {@link KeepWarm#pongWithin}: the pool then drops it and the next read connects.
   * Runs on the lane's context. Without a connection (none yet, or closed) there is nothing to
   * keep: the next read opens one.
   */
  private void ping() {
    HttpConnection pinged = connection;
    if (pinged == null) {
      return;
    }
    long deadline = vertx.setTimer(keepWarm.pongWithin().toMillis(), id -> {
      log.warn("region connection did not answer a PING within {} ms, closing it region={}", keepWarm.pongWithin().toMillis(), region);
      forget(pinged);
      pinged.close();
    });
    pinged.ping(Buffer.buffer(new byte[8])).onComplete(pong -> vertx.cancelTimer(deadline));
  }

  /** Remembers the connection a read went out on (it changes only when the last one closed). */
  private void track(HttpConnection used) {
    if (used != connection) {
      connection = used;
      used.closeHandler(v -> forget(used));
    }
  }

  private void forget(HttpConnection closed) {
    if (connection == closed) {
      connection = null;
    }
  }

  /** The event-loop context everything of this lane runs on, or null when it is not running. */
  Context laneContext() {
    return laneContext;
  }

  /** Reads waiting for the client's pool to give them a connection (each gives up by its timeout). */
  int waitingForConnection() {
    return waitingForConnection;
  }

  private PoolOptions poolOptions() {
    // One multiplexed HTTP/2 connection carries every read. The lane's limit bounds the queue:
    // a read leaves it when its time is up (requestOptions).
    return new PoolOptions().setHttp2MaxSize(1).setHttp1MaxSize(8).setMaxWaitQueueSize(-1);
  }

  /**
   * One read on this lane. Created on the caller's thread; everything after runs on the lane's
   * context, so its fields need no locking; the outcome is handed back on the caller's context.
   */
  private final class Exchange implements LaneCall {
    private final RegionRequest request;
    private final LaneLimit.Permit permit;
    private final Context caller;
    private final Promise<RegionAnswer> promise = Promise.promise();
    private final long startedNanos = System.nanoTime();
    private boolean ended;
    private HttpClientRequest http;
    private long timer = -1;
    private long drainTimer = -1;

    Exchange(RegionRequest request, LaneLimit.Permit permit, Context caller) {
      this.request = request;
      this.permit = permit;
      this.caller = caller;
    }

    @Override
    public Future<RegionAnswer> answer() {
      return promise.future();
    }

    @Override
    public void cancel() {
      Context lane = laneContext;
      if (lane != null) {
        lane.runOnContext(v -> end(RegionOutcome.CANCELLED, null, new LaneFailure(region, LaneFailure.Kind.CANCELLED, "cancelled")));
      }
    }

    void send() {
      if (ended) {
        return;
      }
      long remaining = remainingMillis();
      if (remaining <= 0) { // the lane's event loop came to it late: the region would be asked for nothing
        end(RegionOutcome.TIMEOUT, null, timeout());
        return;
      }
      timer = vertx.setTimer(remaining, id -> end(RegionOutcome.TIMEOUT, null, timeout()));
      waitingForConnection++;
      client
          .request(requestOptions(remaining))
          .andThen(connected -> waitingForConnection--)
          .compose(this::sendOnce)
          .compose(this::readAnswer)
          .onComplete(
              done -> {
                if (drainTimer >= 0) {
                  drained();
                  return;
                }
                if (done.succeeded()) {
                  end(RegionOutcome.OK, done.result(), null);
                } else {
                  end(RegionOutcome.ERROR, null, asFailure(done.cause()));
                }
              });
    }

    private Future<HttpClientResponse> sendOnce(HttpClientRequest opened) {
      // Failures also fail send()'s future, handled in end(); without a handler Vert.x would log
      // every stream this lane resets on purpose (a hedge lost, a timeout) as an ERROR.
      opened.exceptionHandler(ignored -> {});
      if (ended || remainingMillis() <= 0) {
        // Not sent yet, so the reset writes no frame. A read sent in its last moment would be reset
        // right after: work for the region, and one more RST_STREAM for its rapid-reset guard.
        opened.reset();
        end(RegionOutcome.TIMEOUT, null, timeout()); // a no-op when it had ended
        return Future.failedFuture(new LaneFailure(region, LaneFailure.Kind.CANCELLED, "ended before sending"));
      }
      http = opened;
      track(opened.connection());
      return opened.send();
    }

    private Future<RegionAnswer> readAnswer(HttpClientResponse response) {
      String length = response.getHeader("Content-Length");
      if (length != null && !fitsBody(length.trim())) {
        return Future.failedFuture(
            new LaneFailure(region, LaneFailure.Kind.ERROR, "announced a body over " + RegionAnswers.MAX_BODY_BYTES + " bytes"));
      }
      return response.body().map(body -> RegionAnswers.read(region, request, response.statusCode(), response.headers(), body));
    }

    private static boolean fitsBody(String length) {
      return length.matches("[0-9]{1,9}") && Integer.parseInt(length) <= RegionAnswers.MAX_BODY_BYTES;
    }

    /**
     * The read's request; it gives up its place in the pool's queue when the read's time is up.
     * Without that, a read the lane had ended stayed queued until a connection came up: while a
     * region's connection kept failing (each failed connect fails one waiter), every miss added one,
     * unbounded by the lane's limit (the memory bench saw 54,842 of them in a sidecar's heap).
     */
    private RequestOptions requestOptions(long remainingMillis) {
      RequestOptions options =
          new RequestOptions()
              .setConnectTimeout(remainingMillis)
              .setMethod(HttpMethod.GET)
              .setURI(basePath + request.path())
              .putHeader(ReadApi.AUTHORIZATION, request.authorization())
              .putHeader("Accept", "application/json");
      if (request.requestId() != null) {
        options.putHeader(RequestIds.HEADER, request.requestId());
      }
      return options;
    }

    private void end(RegionOutcome outcome, RegionAnswer answer, LaneFailure failure) {
      if (ended) {
        return;
      }
      ended = true;
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
      if (answer == null && http != null) {
        if (outcome == RegionOutcome.CANCELLED && draining < MAX_DRAINING) {
          drain();
        } else {
          http.reset(); // frees the HTTP/2 stream of an abandoned read; a no-op once it has ended
        }
      }
      long nanos = System.nanoTime() - startedNanos;
      meters.record(outcome, nanos);
      switch (outcome) {
        case OK -> permit.onSuccess(nanos);
        case CANCELLED -> permit.onIgnore();
        default -> permit.onDropped();
      }
      if (failure != null && outcome != RegionOutcome.CANCELLED) {
        log.debug("region read failed region={} path={} reason={}", region, request.path(), failure.getMessage());
      }
      if (caller == null) {
        complete(answer, failure);
      } else {
        caller.runOnContext(v -> complete(answer, failure));
      }
    }

    private void complete(RegionAnswer answer, LaneFailure failure) {
      if (answer != null) {
        promise.complete(answer);
      } else {
        promise.fail(failure);
      }
    }

    /**
     * A lost hedge's read is left to finish and its answer dropped, rather than reset: a reset is
     * an RST_STREAM, and a region's HTTP/2 server closes a connection that sends more than 200 of
     * them in 30 s (Netty's rapid-reset guard), failing every read on it. Losers are common (one per
     * answered miss), so at a few misses a second the lane's connection was torn down every half
     * minute. A drained read still ends by the lane's timeout; past {@value #MAX_DRAINING} drained
     * reads at once, a loser is reset as before.
     */
    private void drain() {
      draining++;
      drainTimer = vertx.setTimer(Math.max(1, remainingMillis()), id -> {
        http.reset();
        drained();
      });
    }

    private void drained() {
      if (drainTimer >= 0) {
        vertx.cancelTimer(drainTimer);
        drainTimer = -1;
        draining--;
      }
    }

    private long remainingMillis() {
      return timeoutMillis - (System.nanoTime() - startedNanos) / 1_000_000;
    }

    private LaneFailure timeout() {
      return new LaneFailure(region, LaneFailure.Kind.TIMEOUT, "no answer within " + timeoutMillis + " ms");
    }

    private LaneFailure asFailure(Throwable cause) {
      if (cause instanceof LaneFailure failure) {
        return failure;
      }
      String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
      return new LaneFailure(region, LaneFailure.Kind.ERROR, message);
    }
  }
}
