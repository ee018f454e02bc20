package dev.tcs.projector;

import dev.tcs.core.log.LogRecord;
import dev.tcs.core.log.RecordHandler;
import dev.tcs.core.model.View;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Collects the views read from a views topic, in the order the log delivers them. */
final class ViewCollector implements RecordHandler {
  private final List<View> views = new ArrayList<>();

  @Override
  public synchronized Future<Void> handle(LogRecord record) {
    views.add(View.fromJson(record.value().toJsonObject()));
    notifyAll();
    return Future.succeededFuture();
  }

  /** Waits until at least {@code count} views arrived, at most {@code timeout}; returns the first {@code count}. */
  synchronized List<View> awaitViews(int count, Duration timeout) throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (views.size() < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new TimeoutException("expected " + count + " views within " + timeout + ", got " + views.size() + ": " + views);
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return List.copyOf(views.subList(0, count));
  }

  /** Waits until the views that arrived satisfy {@code done}, at most {@code timeout}; returns them all. */
  synchronized List<View> awaitUntil(java.util.function.Predicate<List<View>> done, String what, Duration timeout)
      throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.test(views)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new TimeoutException("expected " + what + " within " + timeout + ", got " + views.size() + ": " + views);
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return List.copyOf(views);
  }

  /** True once views of {@code tenantId} at {@code version} for both demo consumers arrived. */
  static boolean hasVersion(List<View> views, String tenantId, long version, long revision) {
    return views.stream().filter(v -> v.tenantId().equals(tenantId) && v.version() == version && v.revision() == revision).count() >= 2;
  }

  synchronized List<View> views() {
    return List.copyOf(views);
  }
}
