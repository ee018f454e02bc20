package dev.tcs.projector;

import dev.tcs.core.log.LogRecord;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/**
 * How a rebuild reads the events topic from its very start: up to where each partition ended when
 * the rebuild began it only needs each tenant's newest record, so the reader keeps those itself
 * (peeking at tenant and version with {@link EventPeek}, never decoding a document) and hands the
 * rebuild one list once every partition has reached its end; after that it hands over whatever is
 * appended meanwhile, a batch at a time, until closed. The event log interface has no such call,
 * so the projector reads Kafka itself ({@link KafkaEventReplay}); a log that replaces Kafka
 * supplies its own.
 */
interface EventReplay {
  /**
   * Starts reading {@code topic} from its start; every call of {@code listener} runs on the
   * caller's context.
   *
   * @param ends partition to the position one past its last record when the rebuild began
   * @return the running read, once the partitions are assigned
   */
  Future<Reading> start(String topic, Map<Integer, Long> ends, Listener listener);

  /** The newest record of one tenant before the ends, and the version it claims. */
  record Newest(String tenantId, long version, LogRecord record) {}

  /** What a read hands to the rebuild, on the rebuild's context. */
  interface Listener {
    /**
     * Records before the ends that do not even start like an event: decoded by the rebuild, so
     * they are rejected and counted (or staged, if they are valid after all). Reading waits for
     * the returned future.
     */
    Future<Void> unpeekable(List<LogRecord> records);

    /** Every partition has reached its end: the newest record of each tenant (the later one on a tie). */
    void caughtUp(List<Newest> newest);

    /** Records appended after the ends, in order per partition; reading waits for the returned future. */
    Future<Void> appended(List<LogRecord> records);

    /** Reading failed; nothing more is handed over. */
    void failed(Throwable cause);
  }

  /** A read in progress. */
  interface Reading {
    /** Records read so far of those before the ends. */
    long done();

    /** Tenants seen so far before the ends. */
    long tenants();

    /** Stops reading; completes once the reader has let go of the log. */
    Future<Void> close();
  }
}
