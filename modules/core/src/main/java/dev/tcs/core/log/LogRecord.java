package dev.tcs.core.log;

import io.vertx.core.buffer.Buffer;

/** One record read from the event log, with where it came from (for logs of rejected input). */
public record LogRecord(String topic, int partition, long offset, String key, Buffer value, long timestamp) {
  /** {@code topic/partition@offset}, for log lines. */
  public String position() {
    return topic + "/" + partition + "@" + offset;
  }
}
