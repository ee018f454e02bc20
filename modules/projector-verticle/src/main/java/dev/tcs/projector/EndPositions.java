package dev.tcs.projector;

import io.vertx.core.Future;
import java.util.Map;

/**
 * Where a topic ends now: for each partition, the position one past its last record (0 when the
 * partition is empty). A rebuild replays up to these positions and then reports that it is done.
 * The event log interface has no such call yet, so the projector asks Kafka itself
 * ({@link KafkaEndPositions}); a log that replaces Kafka supplies its own.
 */
@FunctionalInterface
interface EndPositions {
  Future<Map<Integer, Long>> of(String topic);
}
