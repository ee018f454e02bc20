package dev.tcs.core.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final Backoff BACKOFF = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(5));
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void delayMillis_noRandomness_doublesUpToMax() {
    assertEquals(100, BACKOFF.delayMillis(0, () -> 0));
    assertEquals(200, BACKOFF.delayMillis(1, () -> 0));
    assertEquals(3_200, BACKOFF.delayMillis(5, () -> 0));
    assertEquals(5_000, BACKOFF.delayMillis(6, () -> 0));
    assertEquals(5_000, BACKOFF.delayMillis(Integer.MAX_VALUE, () -> 0));
  }

  @Test
  void delayMillis_jitter_takesAtMostItsFraction() {
    assertEquals(75, BACKOFF.delayMillis(0, () -> 0.5));
    for (int i = 0; i < 1_000; i++) {
      long delay = BACKOFF.delayMillis(3);
      assertTrue(delay > 400 && delay <= 800, "delay " + delay);
    }
  }

  @Test
  void new_badBounds_throwNamingThem() {
    assertThrows(IllegalArgumentException.class, () -> Backoff.exponential(Duration.ZERO, Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> Backoff.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofMillis(1), Duration.ofMillis(1), 1.5));
  }

  @Test
  void retry_failsThenSucceeds_returnsSuccess() {
    AtomicInteger calls = new AtomicInteger();
    Backoff quick = Backoff.exponential(Duration.ofMillis(1), Duration.ofMillis(2));
    String result =
        quick.retry(vertx, 5, attempt -> calls.incrementAndGet() < 3 ? Future.failedFuture("no") : Future.succeededFuture("yes" + attempt), r -> r.failed())
            .await();
    assertEquals("yes3", result);
  }

  @Test
  void retry_neverSucceeds_stopsAfterMaxAttemptsWithLastFailure() {
    AtomicInteger calls = new AtomicInteger();
    Backoff quick = Backoff.exponential(Duration.ofMillis(1), Duration.ofMillis(2));
    Future<String> result = quick.retry(vertx, 3, attempt -> {
      calls.incrementAndGet();
      throw new IllegalStateException("attempt " + attempt);
    }, r -> r.failed());
    IllegalStateException e = assertThrows(IllegalStateException.class, result::await);
    assertEquals("attempt 3", e.getMessage());
    assertEquals(3, calls.get());
  }
}
