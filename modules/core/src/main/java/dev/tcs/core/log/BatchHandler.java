package dev.tcs.core.log;

import io.vertx.core.Future;
import java.util.List;

/**
 * Processes records a batch at a time: the records of one partition that arrived while the
 * previous batch of that partition was in the handler, in offset order, consecutive, never empty.
 * The log moves the group's position past the whole batch only once the returned future
 * succeeds; a failed future (or a throw, or null) retries the same batch after a backoff, so a
 * handler must be idempotent. A record that is bad in itself must be counted, logged with its
 * {@link LogRecord#position()} and skipped inside the batch, so the rest of it is applied.
 *
 * <p>Batches of different partitions may be in their handlers at the same time; a handler may
 * coalesce records within its batch (keep only the newest state per key), since a batch is
 * consecutive in its partition.
 */
@FunctionalInterface
public interface BatchHandler {
  Future<Void> handle(List<LogRecord> records);

  /** A handler that hands the records of a batch to {@code handler} one after the other. */
  static BatchHandler oneByOne(RecordHandler handler) {
    return records -> {
      Future<Void> chain = Future.succeededFuture();
      for (LogRecord record : records) {
        chain = chain.compose(previous -> handleOne(handler, record));
      }
      return chain;
    };
  }

  private static Future<Void> handleOne(RecordHandler handler, LogRecord record) {
    Future<Void> handled = handler.handle(record);
    return handled != null ? handled : Future.failedFuture(new NullPointerException("handler returned null instead of a future"));
  }
}
