package dev.tcs.core.retry;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * The one retry policy of the system: capped exponential backoff with jitter, waited on Vert.x
 * timers (never a sleeping event loop). Attempt {@code n} (counting from 0) waits
 * {@code min(max, first * 2^n)}, of which the last {@code jitter} fraction is random, so loops
 * that failed together (every consumer after a broker restart) do not retry together.
 *
 * <p>Written by hand (some 80 lines) rather than taking resilience4j's retry module, whose
 * scheduler-based API would need an adapter to Vert.x timers of about the same size.
 *
 * @param first the wait after the first failure, before jitter
 * @param max the longest wait
 * @param jitter the random fraction of each wait, 0 (none) to 1 (anywhere in {@code [0, wait]})
 */
public record Backoff(Duration first, Duration max, double jitter) {
  /** Half of each wait is random ("equal jitter"): never a zero wait, never a herd. */
  public static final double DEFAULT_JITTER = 0.5;

  public Backoff {
    if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < first <= max, but was first=" + first + " max=" + max);
    }
    if (!(jitter >= 0 && jitter <= 1)) {
      throw new IllegalArgumentException("jitter must be in [0, 1], but was " + jitter);
    }
  }

  /** From {@code first} doubling up to {@code max}, half of each wait random. */
  public static Backoff exponential(Duration first, Duration max) {
    return new Backoff(first, max, DEFAULT_JITTER);
  }

  /** The wait before retry number {@code attempt + 1}, in milliseconds (at least 1). */
  public long delayMillis(int attempt) {
    return delayMillis(attempt, () -> ThreadLocalRandom.current().nextDouble());
  }

  /** As {@link #delayMillis(int)} with the random numbers in {@code [0, 1)} given (tests). */
  public long delayMillis(int attempt, DoubleSupplier random) {
    long firstMillis = first.toMillis();
    long maxMillis = max.toMillis();
    long wait = firstMillis;
    for (int i = 0; i < attempt && wait < maxMillis; i++) {
      wait *= 2;
    }
    wait = Math.min(wait, maxMillis);
    long randomPart = (long) (wait * jitter * random.getAsDouble());
    return Math.max(1, wait - randomPart);
  }

  /** A future completed after the wait before retry number {@code attempt + 1}. */
  public Future<Void> pause(Vertx vertx, int attempt) {
    return vertx.timer(delayMillis(attempt)).mapEmpty();
  }

  /**
   * Runs {@code action} (given the attempt number, from 1) until its outcome is not to be retried
   * or {@code maxAttempts} ran, pausing by this backoff in between; completes with the last
   * outcome.
   *
   * @param retryIf true for an outcome worth another attempt (a failure, a 5xx answer)
   */
  public <T> Future<T> retry(Vertx vertx, int maxAttempts, IntFunction<Future<T>> action, Predicate<AsyncResult<T>> retryIf) {
    Promise<T> result = Promise.promise();
    attempt(vertx, 1, maxAttempts, action, retryIf, result);
    return result.future();
  }

  private <T> void attempt(Vertx vertx, int attempt, int maxAttempts, IntFunction<Future<T>> action, Predicate<AsyncResult<T>> retryIf, Promise<T> result) {
    Future<T> outcome;
    try {
      outcome = action.apply(attempt);
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    outcome.onComplete(done -> {
      if (attempt >= maxAttempts || !retryIf.test(done)) {
        result.handle(done);
      } else {
        vertx.setTimer(delayMillis(attempt - 1), id -> attempt(vertx, attempt + 1, maxAttempts, action, retryIf, result));
      }
    });
  }
}
