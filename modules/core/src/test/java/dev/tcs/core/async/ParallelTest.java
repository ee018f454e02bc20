package dev.tcs.core.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ParallelTest {
  @Test
  void forEach_neverMoreThanLimitInFlight_allRun() {
    List<Promise<Void>> pending = new ArrayList<>();
    int[] maxInFlight = {0};
    Future<Void> all =
        Parallel.forEach(
            IntStream.range(0, 10).boxed().toList(),
            3,
            i -> {
              Promise<Void> promise = Promise.promise();
              pending.add(promise);
              maxInFlight[0] = Math.max(maxInFlight[0], (int) pending.stream().filter(p -> !p.future().isComplete()).count());
              return promise.future();
            });
    while (!all.isComplete()) {
      pending.stream().filter(p -> !p.future().isComplete()).findFirst().orElseThrow().complete();
    }
    assertTrue(all.succeeded());
    assertEquals(10, pending.size());
    assertEquals(3, maxInFlight[0]);
  }

  @Test
  void forEach_synchronousCompletions_noDeepRecursionAndAllRun() {
    int[] ran = {0};
    Future<Void> all = Parallel.forEach(IntStream.range(0, 100_000).boxed().toList(), 8, i -> {
      ran[0]++;
      return Future.succeededFuture();
    });
    assertTrue(all.succeeded());
    assertEquals(100_000, ran[0]);
  }

  @Test
  void forEach_oneFails_failsWithItAndStartsNoMore() {
    int[] ran = {0};
    Future<Void> all = Parallel.forEach(IntStream.range(0, 10).boxed().toList(), 1, i -> {
      ran[0]++;
      return i == 2 ? Future.failedFuture("boom") : Future.succeededFuture();
    });
    assertTrue(all.failed());
    assertEquals("boom", all.cause().getMessage());
    assertEquals(3, ran[0]);
  }

  @Test
  void forEach_emptyOrThrowingOrNull_completes() {
    assertTrue(Parallel.forEach(List.of(), 4, i -> Future.succeededFuture()).succeeded());
    assertTrue(Parallel.forEach(List.of(1), 4, i -> { throw new IllegalStateException("thrown"); }).failed());
    assertTrue(Parallel.forEach(List.of(1), 4, i -> null).failed());
  }
}
