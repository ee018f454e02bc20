package dev.tcs.core.log;

import io.vertx.core.Future;

/**
 * Processes one record. The log calls it in offset order per partition and moves the group's
 * position past the record only once the returned future succeeds. A failed future means the
 * work could not be done now (a store is down) and the same record is tried again after a
 * backoff; so is a handler that throws or returns null. A record that is bad in itself must be
 * counted, logged and answered with success, so it is skipped rather than retried forever.
 */
@FunctionalInterface
public interface RecordHandler {
  Future<Void> handle(LogRecord record);
}
