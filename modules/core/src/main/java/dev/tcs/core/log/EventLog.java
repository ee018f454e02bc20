package dev.tcs.core.log;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * The event log: an append-only, partitioned, replayable stream of records keyed by tenant.
 * Records with one key keep their order. Kafka implements it here ({@link KafkaEventLog});
 * Kinesis can replace it behind this interface.
 */
public interface EventLog {
  /**
   * Creates {@code topic} if absent; a topic it creates, it completes once that can take appends
   * (every partition has a leader). {@code retainForever} keeps every record (the replay source).
   */
  Future<Void> ensureTopic(String topic, int partitions, boolean retainForever);

  /** Appends one record; the future succeeds once the log has durably accepted it. */
  Future<Void> append(String topic, String key, Buffer value);

  /**
   * Appends many records at once, pipelined, keeping their order per key; the future succeeds
   * once the log has durably accepted all of them and fails if any was not (then some may have
   * been appended: appends are at least once).
   */
  default Future<Void> appendAll(String topic, java.util.List<Append> records) {
    java.util.List<Future<Void>> appends = new java.util.ArrayList<>(records.size());
    for (Append record : records) {
      appends.add(append(topic, record.key(), record.value()));
    }
    return Future.all(appends).mapEmpty();
  }

  /**
   * Consumes {@code topic} as member of {@code group}, from the group's committed position (or
   * the start of the log for a new group), calling {@code handler} in order per partition.
   */
  Future<Subscription> subscribe(String topic, String group, RecordHandler handler);

  /** Consumes {@code topic} from its very start under a fresh group named after {@code groupPrefix}. */
  Future<Subscription> replay(String topic, String groupPrefix, RecordHandler handler);

  /**
   * As {@link #subscribe}, but hands the handler each partition's records a batch at a time
   * (whatever arrived while the previous batch was in the handler), so it can coalesce them and
   * pipeline its writes. A log without batching hands over batches of one record.
   */
  default Future<Subscription> subscribeInBatches(String topic, String group, BatchHandler handler) {
    return subscribe(topic, group, record -> handler.handle(java.util.List.of(record)));
  }

  /** As {@link #replay}, a batch at a time (see {@link #subscribeInBatches}). */
  default Future<Subscription> replayInBatches(String topic, String groupPrefix, BatchHandler handler) {
    return replay(topic, groupPrefix, record -> handler.handle(java.util.List.of(record)));
  }

  Future<Void> close();
}
