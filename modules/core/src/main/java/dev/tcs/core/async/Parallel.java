package dev.tcs.core.async;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import java.util.function.Function;

/**
 * Runs an asynchronous action over a list with at most {@code limit} actions in flight (written
 * by hand: a few lines, where a reactive library would be a new dependency).
 *
 * <p>Call it on a Vert.x context, with actions whose futures complete on that same context (wrap
 * SDK futures with {@code Async.on(context, ...)}); the bookkeeping is not synchronized.
 */
public final class Parallel {
  private Parallel() {}

  /**
   * Applies {@code action} to every item, keeping up to {@code limit} in flight. Completes when
   * every started action has completed: successfully if all succeeded, else with the first
   * failure (no new action starts after a failure).
   */
  public static <T> Future<Void> forEach(List<T> items, int limit, Function<T, Future<?>> action) {
    if (items.isEmpty()) {
      return Future.succeededFuture();
    }
    return new Run<>(items, Math.max(1, limit), action).start();
  }

  private static final class Run<T> {
    private final List<T> items;
    private final int limit;
    private final Function<T, Future<?>> action;
    private final Promise<Void> done = Promise.promise();
    private int next;
    private int running;
    private boolean launching;
    private Throwable failure;

    Run(List<T> items, int limit, Function<T, Future<?>> action) {
      this.items = items;
      this.limit = limit;
      this.action = action;
    }

    Future<Void> start() {
      launch();
      return done.future();
    }

    private void launch() {
      if (launching) {
        return; // an action completed synchronously inside the loop below, which goes on by itself
      }
      launching = true;
      try {
        while (running < limit && next < items.size() && failure == null) {
          T item = items.get(next++);
          running++;
          call(item).onComplete(result -> completed(result.failed() ? result.cause() : null));
        }
      } finally {
        launching = false;
      }
      if (running == 0 && (next >= items.size() || failure != null)) {
        if (failure == null) {
          done.tryComplete();
        } else {
          done.tryFail(failure);
        }
      }
    }

    private void completed(Throwable cause) {
      running--;
      if (cause != null && failure == null) {
        failure = cause;
      }
      launch();
    }

    private Future<?> call(T item) {
      try {
        Future<?> future = action.apply(item);
        return future != null ? future : Future.failedFuture(new NullPointerException("action returned null instead of a future"));
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    }
  }
}
