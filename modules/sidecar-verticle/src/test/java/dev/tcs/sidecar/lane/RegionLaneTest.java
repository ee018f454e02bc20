package dev.tcs.sidecar.lane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.http.HttpServers;
import dev.tcs.infra.Eventually;
import dev.tcs.sidecar.SidecarMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.StreamResetException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A lost hedge's read against a real HTTP/2 server: left to finish rather than reset (the
 * server's rapid-reset guard counts every RST_STREAM it receives), and still bounded by the
 * lane's timeout.
 */
class RegionLaneTest {
  private static final RegionRequest READ = new RegionRequest("/v1/tenants/acme/context", "acme", "Bearer t", null);

  private Vertx vertx;
  private HttpServer server;
  private final AtomicInteger received = new AtomicInteger();
  private final AtomicInteger answered = new AtomicInteger();
  private final AtomicInteger resets = new AtomicInteger();
  private volatile long answerAfterMillis;
  private volatile CountDownLatch arrived = new CountDownLatch(1);

  @BeforeEach
  void startServer() {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer(HttpServers.options("127.0.0.1", 0)).requestHandler(this::handle).listen().await();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private void handle(HttpServerRequest request) {
    received.incrementAndGet();
    request.response().exceptionHandler(e -> {
      if (e instanceof StreamResetException) {
        resets.incrementAndGet();
      }
    });
    arrived.countDown();
    if (answerAfterMillis >= 0) {
      vertx.setTimer(Math.max(1, answerAfterMillis), id -> {
        if (!request.response().closed()) {
          request.response().end("{}").onSuccess(v -> answered.incrementAndGet());
        }
      });
    }
  }

  private RegionLane lane(Duration timeout, LaneLimit limit) {
    RegionLane lane = new RegionLane("eu-west", URI.create("http://127.0.0.1:" + server.actualPort()), timeout, limit, new SidecarMetrics(new SimpleMeterRegistry()));
    vertx.deployVerticle(lane).await();
    return lane;
  }

  @Test
  void cancel_afterTheRequestReachedTheRegion_letsTheReadFinishWithoutAReset() throws Exception {
    answerAfterMillis = 200;
    FixedLaneLimit limit = new FixedLaneLimit(4);
    RegionLane lane = lane(Duration.ofSeconds(2), limit);

    LaneCall call = lane.call(READ);
    assertTrue(arrived.await(5, TimeUnit.SECONDS));
    call.cancel();

    Eventually.until(Duration.ofSeconds(10), "the region answered the cancelled read", () -> answered.get() == 1);
    assertTrue(call.answer().failed());
    assertEquals(0, resets.get(), "the region saw no RST_STREAM");
    assertEquals(0, limit.inFlight(), "the permit was returned when the read was cancelled");

    // The connection is still there for the next read.
    answerAfterMillis = 0;
    LaneCall next = lane.call(READ);
    Eventually.until(Duration.ofSeconds(10), "the next read completed", () -> next.answer().isComplete());
    assertEquals(2, received.get());
    assertEquals(0, resets.get());
  }

  @Test
  void cancel_regionNeverAnswers_resetsTheStreamAtTheLaneTimeout() throws Exception {
    answerAfterMillis = -1;
    RegionLane lane = lane(Duration.ofMillis(1500), new FixedLaneLimit(4));

    LaneCall call = lane.call(READ);
    assertTrue(arrived.await(5, TimeUnit.SECONDS));
    call.cancel();

    Eventually.until(Duration.ofSeconds(10), "the region saw the drained read reset", () -> resets.get() == 1);
    assertTrue(call.answer().failed(), "the read failed when it was cancelled");
  }

  @Test
  void timeout_resetsAtOnce() throws Exception {
    answerAfterMillis = -1;
    RegionLane lane = lane(Duration.ofMillis(200), new FixedLaneLimit(4));

    LaneCall call = lane.call(READ);

    Eventually.until(Duration.ofSeconds(10), "the region saw the timed-out read reset", () -> resets.get() == 1);
    Eventually.until(Duration.ofSeconds(10), "the read failed", () -> call.answer().isComplete());
    assertEquals(LaneFailure.Kind.TIMEOUT, ((LaneFailure) call.answer().cause()).kind());
  }

}
