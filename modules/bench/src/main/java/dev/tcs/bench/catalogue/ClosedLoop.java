package dev.tcs.bench.catalogue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * A closed-loop load generator: {@code concurrency} workers, each issuing its next operation as
 * soon as the previous one answered. Operations that complete during the warm-up are not
 * recorded; those that complete during the measured window are (latency in microseconds into an
 * HdrHistogram, and whether they succeeded). The measured window lasts {@code measure}, and longer
 * if needed until at least {@code minimum} operations completed in it (a phase on a machine busy
 * with other work still measures something); throughput is over the actual window. Each next
 * operation is issued from {@code context},
 * so callbacks never nest and every phase pays the same hop back onto an event loop.
 */
final class ClosedLoop {
  private ClosedLoop() {}

  /** One operation: given a sequence number, answers whether it succeeded. */
  @FunctionalInterface
  interface Operation extends LongFunction<Future<Boolean>> {}

  static Future<PhaseResult> run(
      Vertx vertx, String name, int concurrency, Duration warmup, Duration measure, Operation operation) {
    return run(vertx, name, concurrency, warmup, measure, 1, operation);
  }

  static Future<PhaseResult> run(
      Vertx vertx, String name, int concurrency, Duration warmup, Duration measure, long minimum, Operation operation) {
    Context context = vertx.getOrCreateContext();
    Histogram latencies = new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(1), 3);
    AtomicLong sequence = new AtomicLong();
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicInteger running = new AtomicInteger(concurrency);
    Promise<PhaseResult> result = Promise.promise();
    long[] window = new long[2];
    State state = new State();

    Runnable[] worker = new Runnable[1];
    worker[0] =
        () -> {
          if (state.stopped) {
            if (running.decrementAndGet() == 0) {
              result.complete(
                  new PhaseResult(name, concurrency, ok.get(), errors.get(), Duration.ofNanos(window[1] - window[0]), latencies));
            }
            return;
          }
          long started = System.nanoTime();
          Future<Boolean> answer;
          try {
            answer = operation.apply(sequence.getAndIncrement());
          } catch (RuntimeException e) {
            answer = Future.failedFuture(e);
          }
          answer.onComplete(
              done -> {
                long finished = System.nanoTime();
                if (state.recording) {
                  latencies.recordValue(Math.max(1, (finished - started) / 1_000));
                  if (done.succeeded() && done.result()) {
                    ok.incrementAndGet();
                  } else {
                    errors.incrementAndGet();
                  }
                  if (state.extended && ok.get() + errors.get() >= minimum) {
                    state.stop(window, finished);
                  }
                }
                context.runOnContext(v -> worker[0].run());
              });
        };
    context.runOnContext(
        v -> {
          for (int i = 0; i < concurrency; i++) {
            worker[0].run();
          }
          vertx.setTimer(
              Math.max(1, warmup.toMillis()),
              w -> {
                window[0] = System.nanoTime();
                state.recording = true;
                vertx.setTimer(
                    Math.max(1, measure.toMillis()),
                    m -> {
                      if (ok.get() + errors.get() >= minimum) {
                        state.stop(window, System.nanoTime());
                      } else {
                        state.extended = true;
                      }
                    });
              });
        });
    return result.future();
  }

  private static final class State {
    volatile boolean recording;
    volatile boolean stopped;
    /** The window outlived its duration and ends at the operation that reaches the minimum. */
    volatile boolean extended;

    synchronized void stop(long[] window, long at) {
      if (!stopped) {
        window[1] = at;
        recording = false;
        stopped = true;
      }
    }
  }
}
