package dev.tcs.projector;

import dev.tcs.core.log.KafkaSettings;
import dev.tcs.core.model.View;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the views topic says now: for each {@code (tenant, consumer)}, the newest valid view on
 * it, read from the start to its current end with a plain Kafka consumer (assigned partitions, no
 * group, nothing committed) on a worker thread. A rebuild compares its staged output with this
 * before it publishes. Keeps a summary per view (version, revision, deleted, a hash of keys and
 * body), not the views themselves.
 *
 * <p>While it reads it only peeks at each record's tenant, consumer, version and revision
 * ({@link ViewPeek}) and keeps the newest record per {@code (tenant, consumer)}; at the end it
 * decodes and validates only those (on the worker pool, in chunks, several at once), so a topic
 * holding many versions of each view costs one decode per view. A record that does not even start like a view is decoded at once. A record
 * that fails to decode is counted, logged with its partition and offset, and skipped; when it was
 * the newest of its {@code (tenant, consumer)}, a second, narrow pass over the topic decodes that
 * view's other records, so the summary is that of its newest valid record, as if every record
 * had been decoded. A bad record superseded by a newer one of the same view is never decoded, so
 * it is not counted.
 *
 * <p>Memory: while reading, the newest record (its bytes) per {@code (tenant, consumer)}.
 */
final class LiveViews {
  private static final Logger log = LoggerFactory.getLogger(LiveViews.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  /** Newest records decoded per worker task. */
  private static final int DECODE_CHUNK = 2_000;

  /** The newest view of one {@code (tenant, consumer)} on the views topic. */
  record Summary(long version, long revision, boolean deleted, int contentHash) {
    static Summary of(View view) {
      return new Summary(view.version(), view.revision(), view.deleted(), LiveViews.contentHash(view));
    }

    boolean newerThan(Summary other) {
      return version != other.version ? version > other.version : revision > other.revision;
    }
  }

  /**
   * What one read found.
   *
   * @param views the newest valid view per {@code (tenant, consumer)}
   * @param records records read (both passes)
   * @param decoded records decoded (both passes)
   * @param skipped records that failed to decode and were skipped
   */
  record Snapshot(Map<EventProjector.ViewId, Summary> views, long records, long decoded, long skipped) {}

  static int contentHash(View view) {
    return Objects.hash(view.keys(), view.body());
  }

  private LiveViews() {}

  /** Reads {@code topic} up to its end now; fails if Kafka does not answer. */
  static Future<Snapshot> read(Vertx vertx, KafkaSettings settings, String topic) {
    return vertx.executeBlocking(() -> firstPass(settings, topic), false)
        .compose(first -> decodeNewest(vertx, topic, first)
            .compose(lostNewest -> lostNewest.isEmpty()
                ? Future.succeededFuture(first.reading().snapshot())
                : vertx.executeBlocking(() -> secondPass(settings, topic, first, lostNewest), false)))
        .onSuccess(snapshot -> {
          if (snapshot.skipped() > 0) {
            log.warn("live views read skipped invalid records topic={} skipped={}", topic, snapshot.skipped());
          }
        });
  }

  /** The newest record seen so far of one {@code (tenant, consumer)}, not decoded yet. */
  private static final class Newest {
    long version;
    long revision;
    int partition;
    long offset;
    byte[] value;

    Newest(ViewPeek.Peeked peeked, ConsumerRecord<byte[], byte[]> record) {
      replace(peeked, record);
    }

    void replace(ViewPeek.Peeked peeked, ConsumerRecord<byte[], byte[]> record) {
      version = peeked.version();
      revision = peeked.revision();
      partition = record.partition();
      offset = record.offset();
      value = record.value();
    }

    boolean is(ConsumerRecord<byte[], byte[]> record) {
      return partition == record.partition() && offset == record.offset();
    }
  }

  /** One read's state (or a decoding task's part of it), on one thread at a time. */
  private static final class Reading {
    final String topic;
    final Map<EventProjector.ViewId, Summary> live = new HashMap<>();
    long records;
    long decoded;
    long skipped;

    Reading(String topic) {
      this.topic = topic;
    }

    /** Decodes one record into {@link #live}; returns the view, or null (counted, logged) if it is not a valid view. */
    View decode(int partition, long offset, byte[] value) {
      decoded++;
      try {
        View view = View.fromBuffer(Buffer.buffer(value));
        live.merge(new EventProjector.ViewId(view.tenantId(), view.consumer()), Summary.of(view), (a, b) -> b.newerThan(a) ? b : a);
        return view;
      } catch (RuntimeException e) {
        skipped++;
        log.warn("live view record skipped topic={} partition={} offset={} reason={}", topic, partition, offset, e.toString());
        return null;
      }
    }

    /** Adds what {@code part} found (views of other records of the same read). */
    void add(Reading part) {
      part.live.forEach((id, summary) -> live.merge(id, summary, (a, b) -> b.newerThan(a) ? b : a));
      records += part.records;
      decoded += part.decoded;
      skipped += part.skipped;
    }

    Snapshot snapshot() {
      return new Snapshot(live, records, decoded, skipped);
    }
  }

  /** What the first pass found: the newest record per view, and what was decoded on the way. */
  private record FirstPass(Reading reading, Map<EventProjector.ViewId, Newest> newest, Map<TopicPartition, Long> ends) {}

  /** What one chunk of newest records decoded to, and the views whose newest record was invalid. */
  private record Decoded(Reading reading, Set<EventProjector.ViewId> lostNewest) {}

  /** Reads to the ends, peeking; decodes only what does not peek. */
  private static FirstPass firstPass(KafkaSettings settings, String topic) {
    Reading reading = new Reading(topic);
    Map<EventProjector.ViewId, Newest> newest = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = open(settings)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, TIMEOUT).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      Map<TopicPartition, Long> ends = Map.copyOf(consumer.endOffsets(partitions, TIMEOUT));
      readToEnds(consumer, ends, reading, record -> keepNewest(record, newest, reading));
      return new FirstPass(reading, newest, ends);
    }
  }

  /**
   * Decodes the newest record of every view, {@link #DECODE_CHUNK} a task on the worker pool,
   * several at once, and merges what they found into the first pass's reading.
   */
  private static Future<Set<EventProjector.ViewId>> decodeNewest(Vertx vertx, String topic, FirstPass first) {
    List<Map.Entry<EventProjector.ViewId, Newest>> all = new ArrayList<>(first.newest().entrySet());
    List<Future<Decoded>> chunks = new ArrayList<>();
    for (int from = 0; from < all.size(); from += DECODE_CHUNK) {
      List<Map.Entry<EventProjector.ViewId, Newest>> chunk = all.subList(from, Math.min(all.size(), from + DECODE_CHUNK));
      chunks.add(vertx.executeBlocking(() -> decode(topic, chunk), false));
    }
    return Future.all(chunks).map(done -> {
      Reading reading = first.reading();
      Set<EventProjector.ViewId> lostNewest = new HashSet<>();
      for (Future<Decoded> chunk : chunks) {
        Decoded decoded = chunk.result();
        reading.add(decoded.reading());
        lostNewest.addAll(decoded.lostNewest());
      }
      return lostNewest;
    });
  }

  private static Decoded decode(String topic, List<Map.Entry<EventProjector.ViewId, Newest>> chunk) {
    Reading part = new Reading(topic);
    Set<EventProjector.ViewId> lostNewest = new HashSet<>();
    for (Map.Entry<EventProjector.ViewId, Newest> entry : chunk) {
      Newest record = entry.getValue();
      View view = part.decode(record.partition, record.offset, record.value);
      if (view == null || !entry.getKey().equals(new EventProjector.ViewId(view.tenantId(), view.consumer()))) {
        lostNewest.add(entry.getKey());
      }
    }
    return new Decoded(part, lostNewest);
  }

  /**
   * For views whose newest record is invalid: reads the topic again up to the same ends and
   * decodes every other record of those views, so each gets the summary of its newest valid one.
   */
  private static Snapshot secondPass(KafkaSettings settings, String topic, FirstPass first, Set<EventProjector.ViewId> lostNewest) {
    log.warn("live views re-reading records of views whose newest record is invalid topic={} views={}", topic, lostNewest.size());
    Reading reading = first.reading();
    try (KafkaConsumer<byte[], byte[]> consumer = open(settings)) {
      consumer.assign(first.ends().keySet());
      readToEnds(
          consumer,
          first.ends(),
          reading,
          record -> {
            ViewPeek.Peeked peeked = ViewPeek.peek(record.value());
            if (peeked != null && lostNewest.contains(peeked.id()) && !first.newest().get(peeked.id()).is(record)) {
              reading.decode(record.partition(), record.offset(), record.value());
            }
          });
    }
    return reading.snapshot();
  }

  /**
   * Keeps {@code record} if it is the newest of its view seen so far (the earlier one on a tie,
   * as decoding every record would); decodes it at once if it does not start like a view.
   */
  private static void keepNewest(ConsumerRecord<byte[], byte[]> record, Map<EventProjector.ViewId, Newest> newest, Reading reading) {
    ViewPeek.Peeked peeked = ViewPeek.peek(record.value());
    if (peeked == null) {
      reading.decode(record.partition(), record.offset(), record.value());
      return;
    }
    Newest seen = newest.get(peeked.id());
    if (seen == null) {
      newest.put(peeked.id(), new Newest(peeked, record));
    } else if (peeked.newerThan(seen.version, seen.revision)) {
      seen.replace(peeked, record);
    }
  }

  /** Reads every partition from its start up to {@code ends} (exclusive), handing each record to {@code handler}. */
  private static void readToEnds(
      KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends, Reading reading, Consumer<ConsumerRecord<byte[], byte[]>> handler) {
    consumer.seekToBeginning(ends.keySet());
    Map<TopicPartition, Long> left = new HashMap<>(ends);
    left.entrySet().removeIf(end -> end.getValue() <= consumer.position(end.getKey(), TIMEOUT));
    while (!left.isEmpty()) {
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        Long end = left.get(partition);
        if (end == null || record.offset() >= end) {
          continue;
        }
        reading.records++;
        handler.accept(record);
        if (record.offset() >= end - 1) {
          left.remove(partition);
        }
      }
      // A partition whose last offsets hold no record (a transaction marker, compaction) ends by position.
      left.entrySet().removeIf(end -> consumer.position(end.getKey(), TIMEOUT) >= end.getValue());
    }
  }

  private static KafkaConsumer<byte[], byte[]> open(KafkaSettings settings) {
    Map<String, Object> config = new HashMap<>(settings.properties());
    config.keySet().removeAll(KafkaSettings.GROUP_LIVENESS);
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.clientId() + "-rebuild-live-views");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
    config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(4 * 1024 * 1024));
    return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
