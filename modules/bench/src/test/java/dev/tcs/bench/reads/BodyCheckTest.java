package dev.tcs.bench.reads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BodyCheckTest {
  private static final Buffer BODY = Buffer.buffer("x".repeat(600));
  private static Vertx serverVertx;
  private static Vertx clientVertx;
  private static String base;
  private static List<String> urls;

  @BeforeAll
  static void startServer() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Map<String, Buffer> bodies = new HashMap<>();
    urls = new ArrayList<>();
    base = "http://127.0.0.1:" + port;
    for (int i = 0; i < 16; i++) {
      bodies.put("/v1/tenants/t-" + i + "/context", BODY);
      urls.add(base + "/v1/tenants/t-" + i + "/context");
    }
    serverVertx = Vertx.vertx();
    int finalPort = port;
    serverVertx.deployVerticle(() -> new BareVertxServer(finalPort, bodies), new DeploymentOptions().setInstances(2)).await();
    clientVertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    clientVertx.close().await();
    serverVertx.close().await();
  }

  /**
   * Regression: requests issued from the test thread (a new context each) lost about one response
   * end in 300 on Vert.x 5.0.8, and the read bench's check, which awaited without a bound, hung.
   */
  @Test
  void get_manyRequestsFromAPlainThread_everyOneAnswered() {
    // 10 s per request: a loaded machine answers well within it; a lost response end never does.
    try (BodyCheck check = new BodyCheck(clientVertx, Duration.ofSeconds(10))) {
      check.awaitBodies("bare vert.x", urls, "Bearer t", BODY.length(), Duration.ofSeconds(60)); // connection up, classes loaded
      List<String> lost = new ArrayList<>();
      for (int round = 0; round < 100; round++) {
        for (String url : urls) {
          BodyCheck.Answer answer = check.get(url, "Bearer t");
          if (!answer.matches(BODY.length())) {
            lost.add(url + ": " + answer);
          }
        }
      }
      assertEquals(List.of(), lost);
    }
  }

  @Test
  void awaitBodies_wrongLength_failsNamingTargetUrlAndLastAnswer() {
    try (BodyCheck check = new BodyCheck(clientVertx, Duration.ofSeconds(2))) {
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> check.awaitBodies("nginx", urls.subList(0, 1), null, 601, Duration.ofMillis(300)));
      assertTrue(e.getMessage().contains("nginx did not answer " + urls.get(0)), e.getMessage());
      assertTrue(e.getMessage().contains("last answer: 200 with 600 bytes"), e.getMessage());
    }
  }

  @Test
  void get_nothingListening_failedAnswerNotAHang() {
    try (BodyCheck check = new BodyCheck(clientVertx, Duration.ofSeconds(2))) {
      int closed;
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        closed = socket.getLocalPort();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      BodyCheck.Answer answer = check.get("http://127.0.0.1:" + closed + "/x", null);
      assertTrue(answer.failure() != null && answer.failure().contains("refused"), answer.toString());
    }
  }
}
