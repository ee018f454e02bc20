package dev.tcs.projector;

import dev.tcs.core.log.KafkaSettings;
import dev.tcs.core.model.View;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the views topic says now: for each {@code (tenant, consumer)}, the newest view on it, read
 * from the start to its current end with a plain Kafka consumer (assigned partitions, no group,
 * nothing committed) on a worker thread. A rebuild compares its staged output with this before
 * it publishes. Undecodable records are counted and skipped. Keeps a summary per view (version,
 * revision, deleted, a hash of keys and body), not the views themselves.
 */
final class LiveViews {
  private static final Logger log = LoggerFactory.getLogger(LiveViews.class);

  /** The newest view of one {@code (tenant, consumer)} on the views topic. */
  record Summary(long version, long revision, boolean deleted, int contentHash) {
    static Summary of(View view) {
      return new Summary(view.version(), view.revision(), view.deleted(), LiveViews.contentHash(view));
    }

    boolean newerThan(Summary other) {
      return version != other.version ? version > other.version : revision > other.revision;
    }
  }

  static int contentHash(View view) {
    return Objects.hash(view.keys(), view.body());
  }

  private LiveViews() {}

  /** Reads {@code topic} up to its end now; fails if Kafka does not answer. */
  static Future<Map<EventProjector.ViewId, Summary>> read(Vertx vertx, KafkaSettings settings, String topic) {
    return vertx.executeBlocking(() -> readBlocking(settings, topic), false);
  }

  private static Map<EventProjector.ViewId, Summary> readBlocking(KafkaSettings settings, String topic) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.clientId() + "-rebuild-live-views");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
    Map<EventProjector.ViewId, Summary> live = new HashMap<>();
    long skipped = 0;
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions, Duration.ofSeconds(30)));
      ends.entrySet().removeIf(end -> end.getValue() <= consumer.position(end.getKey(), Duration.ofSeconds(30)));
      while (!ends.isEmpty()) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          TopicPartition partition = new TopicPartition(record.topic(), record.partition());
          Long end = ends.get(partition);
          if (end == null || record.offset() >= end) {
            continue;
          }
          try {
            View view = View.fromBuffer(Buffer.buffer(record.value()));
            Summary summary = Summary.of(view);
            live.merge(new EventProjector.ViewId(view.tenantId(), view.consumer()), summary, (a, b) -> b.newerThan(a) ? b : a);
          } catch (RuntimeException e) {
            skipped++;
          }
          if (record.offset() >= end - 1) {
            ends.remove(partition);
          }
        }
      }
    }
    if (skipped > 0) {
      log.warn("live views read skipped undecodable records topic={} skipped={}", topic, skipped);
    }
    return live;
  }
}
