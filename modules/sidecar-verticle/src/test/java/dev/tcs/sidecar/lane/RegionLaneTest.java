package dev.tcs.sidecar.lane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.http.HttpServers;
import dev.tcs.core.http.Tls;
import dev.tcs.core.read.ReadApi;
import dev.tcs.infra.Eventually;
import dev.tcs.sidecar.SidecarMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A lane against a real HTTP/2 server. A lost hedge's read is left to finish rather than reset (the
 * server's rapid-reset guard counts every RST_STREAM it receives), and still bounded by the
 * lane's timeout. An idle lane keeps its connection with PINGs, and drops one that stops answering.
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
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger pings = new AtomicInteger();

  @BeforeEach
  void startServer() {
    vertx = Vertx.vertx();
    server =
        vertx
            .createHttpServer(HttpServers.options("127.0.0.1", 0))
            .connectionHandler(connection -> {
              connections.incrementAndGet();
              connection.pingHandler(data -> pings.incrementAndGet());
            })
            .requestHandler(this::handle)
            .listen()
            .await();
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
          request.response().putHeader(ReadApi.VERSION, "1").putHeader(ReadApi.TENANT, "acme").end("{}").onSuccess(v -> answered.incrementAndGet());
        }
      });
    }
  }

  private RegionLane lane(Duration timeout, LaneLimit limit) {
    return lane(server.actualPort(), timeout, limit, RegionLane.KeepWarm.DEFAULT);
  }

  private RegionLane lane(int port, Duration timeout, LaneLimit limit, RegionLane.KeepWarm keepWarm) {
    RegionLane lane =
        new RegionLane(
            "eu-west", URI.create("http://127.0.0.1:" + port), timeout, limit, new SidecarMetrics(new SimpleMeterRegistry()), Tls.Client.DEFAULT, keepWarm);
    vertx.deployVerticle(lane).await();
    return lane;
  }

  private static RegionAnswer read(RegionLane lane) {
    return lane.call(READ).answer().await();
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

  @Test
  void idleLane_pingsItsConnection_andTheNextReadGoesOutOnIt() {
    RegionLane lane = lane(server.actualPort(), Duration.ofSeconds(2), new FixedLaneLimit(4), new RegionLane.KeepWarm(Duration.ofMillis(50), Duration.ofSeconds(5)));
    read(lane);

    Eventually.until(Duration.ofSeconds(10), "the idle lane pinged its connection", () -> pings.get() >= 3);
    read(lane);

    assertEquals(1, connections.get(), "both reads went out on the one connection");
  }

  @Test
  void connectionThatStopsAnswering_isClosed_andTheNextReadConnectsAfresh() {
    BlackHoleProxy proxy = new BlackHoleProxy(vertx, server.actualPort());
    RegionLane lane = lane(proxy.port(), Duration.ofSeconds(2), new FixedLaneLimit(4), new RegionLane.KeepWarm(Duration.ofMillis(100), Duration.ofMillis(500)));
    read(lane);
    assertEquals(1, proxy.links.size());

    proxy.links.get(0).silenced = true; // the peer is gone without a word: nothing passes, nothing closes

    Eventually.until(Duration.ofSeconds(10), "the lane closed the silent connection", () -> proxy.links.get(0).closedByLane);
    RegionAnswer answer;
    try {
      answer = read(lane);
    } catch (LaneFailure e) {
      // The proxy can see the close before the client's pool has dropped the connection (it does
      // so on the lane's event loop): a read in that moment fails on the closing connection. Seen
      // once in CI under load; the read after it must connect afresh.
      assertTrue(e.getMessage().contains("Connection was closed"), e.getMessage());
      answer = read(lane);
    }
    assertEquals(200, answer.status());
    assertEquals(2, proxy.links.size(), "the read after went out on a new connection");
  }

  @Test
  void readTheLaneComesToAfterItsTime_isNotSent() throws Exception {
    RegionLane lane = lane(Duration.ofMillis(100), new FixedLaneLimit(4));
    read(lane); // the connection is up
    int before = received.get();

    CountDownLatch blocked = new CountDownLatch(1);
    lane.laneContext().runOnContext(v -> {
      blocked.countDown();
      sleepOnTheLanesLoop(300); // the lane's event loop running late, as on a loaded host
    });
    assertTrue(blocked.await(5, TimeUnit.SECONDS));
    LaneCall late = lane.call(READ);

    Eventually.until(Duration.ofSeconds(10), "the late read ended", () -> late.answer().isComplete());
    assertEquals(LaneFailure.Kind.TIMEOUT, ((LaneFailure) late.answer().cause()).kind());
    assertEquals(before, received.get(), "the region was not asked");
    assertEquals(0, resets.get());
  }

  private static void sleepOnTheLanesLoop(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void regionThatNeverSetsUpTheConnection_readsTimeOut_andLeaveThePoolsQueue() {
    // Accepts TCP and never speaks HTTP/2: the lane's one connection stays in its handshake, as with
    // a region whose event loop is stuck, and every read waits in the client's pool for it.
    NetServer silent = vertx.createNetServer().connectHandler(socket -> {}).listen(0, "127.0.0.1").await();
    RegionLane lane = lane(silent.actualPort(), Duration.ofMillis(100), new FixedLaneLimit(4), RegionLane.KeepWarm.DEFAULT);

    for (int i = 0; i < 20; i++) {
      LaneFailure failure = assertThrows(LaneFailure.class, () -> read(lane));
      assertEquals(LaneFailure.Kind.TIMEOUT, failure.kind());
    }

    Eventually.until(Duration.ofSeconds(10), "every read the lane gave up left the pool's queue", () -> lane.waitingForConnection() == 0);
  }

  /** A TCP proxy to the server whose links can go silent: bytes in either direction dropped. */
  private static final class BlackHoleProxy {
    final List<Link> links = new CopyOnWriteArrayList<>();
    private final NetServer proxy;

    BlackHoleProxy(Vertx vertx, int serverPort) {
      proxy =
          vertx
              .createNetServer()
              .connectHandler(lane -> {
                lane.pause();
                vertx.createNetClient().connect(serverPort, "127.0.0.1").onSuccess(region -> {
                  Link link = new Link();
                  links.add(link);
                  lane.handler(bytes -> link.pass(region, bytes));
                  region.handler(bytes -> link.pass(lane, bytes));
                  lane.closeHandler(v -> {
                    link.closedByLane = true;
                    region.close();
                  });
                  region.closeHandler(v -> lane.close());
                  lane.resume();
                });
              })
              .listen(0, "127.0.0.1")
              .await();
    }

    int port() {
      return proxy.actualPort();
    }
  }

  private static final class Link {
    volatile boolean silenced;
    volatile boolean closedByLane;

    void pass(NetSocket to, Buffer bytes) {
      if (!silenced) {
        to.write(bytes);
      }
    }
  }
}
