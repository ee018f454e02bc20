package dev.tcs.projector;

import dev.tcs.core.log.KafkaSettings;
import dev.tcs.core.log.LogRecord;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link EventReplay} with a plain Kafka consumer (assigned partitions, no group, nothing
 * committed) on a thread of its own. Up to the ends the thread does everything itself: it polls,
 * peeks at each record ({@link EventPeek}) and keeps each tenant's newest record, so fetching and
 * peeking never wait for an event loop and nothing is handed over per record (the
 * vertx-kafka-client consumer alternates polling and handing each poll to the event loop). It
 * blocks only its own thread; the rebuild's context gets one list at the end.
 *
 * <p>Memory: the newest record (its bytes) per tenant, until caught up.
 */
final class KafkaEventReplay implements EventReplay {
  private static final Logger log = LoggerFactory.getLogger(KafkaEventReplay.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final int POLL_RECORDS = 2_000;
  private static final int PARTITION_FETCH_BYTES = 4 * 1024 * 1024;

  private final Vertx vertx;
  private final KafkaSettings settings;

  KafkaEventReplay(Vertx vertx, KafkaSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
  }

  @Override
  public Future<Reading> start(String topic, Map<Integer, Long> ends, Listener listener) {
    Reader reader = new Reader(vertx.getOrCreateContext(), topic, Map.copyOf(ends), listener);
    Thread thread = new Thread(reader::run, "tcs-rebuild-reader-" + topic);
    thread.setDaemon(true);
    thread.start();
    return reader.started.future();
  }

  /** The newest record of one tenant so far, on the reader thread. */
  private static final class Seen {
    long version;
    ConsumerRecord<String, byte[]> record;

    Seen(long version, ConsumerRecord<String, byte[]> record) {
      this.version = version;
      this.record = record;
    }
  }

  private final class Reader implements Reading {
    final Context context;
    final String topic;
    final Map<Integer, Long> ends;
    final Listener listener;
    final Promise<Reading> started = Promise.promise();
    final Promise<Void> stopped = Promise.promise();
    volatile boolean closed;
    volatile long done;
    volatile long tenants;
    volatile KafkaConsumer<String, byte[]> consumer;

    Reader(Context context, String topic, Map<Integer, Long> ends, Listener listener) {
      this.context = context;
      this.topic = topic;
      this.ends = ends;
      this.listener = listener;
    }

    @Override
    public long done() {
      return done;
    }

    @Override
    public long tenants() {
      return tenants;
    }

    @Override
    public Future<Void> close() {
      closed = true;
      KafkaConsumer<String, byte[]> running = consumer;
      if (running != null) {
        running.wakeup();
      }
      return stopped.future();
    }

    void run() {
      try (KafkaConsumer<String, byte[]> kafka = open()) {
        consumer = kafka;
        if (closed) {
          return;
        }
        List<TopicPartition> partitions = kafka.partitionsFor(topic, TIMEOUT).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        kafka.assign(partitions);
        kafka.seekToBeginning(partitions);
        context.runOnContext(v -> started.tryComplete(this));
        List<EventReplay.Newest> newest = readToEnds(kafka, partitions);
        if (newest == null) {
          return;
        }
        context.runOnContext(v -> listener.caughtUp(newest));
        readAppended(kafka);
      } catch (WakeupException e) {
        if (!closed) {
          fail(e);
        }
      } catch (Throwable e) {
        if (!closed) {
          fail(e);
        }
      } finally {
        consumer = null;
        stopped.tryComplete();
      }
    }

    private void fail(Throwable e) {
      log.warn("rebuild reading failed topic={} reason={}", topic, e.toString());
      context.runOnContext(v -> {
        if (!started.tryFail(e)) {
          listener.failed(e);
        }
      });
    }

    /** Reads up to the ends, keeping each tenant's newest record; null if closed meanwhile. */
    private List<EventReplay.Newest> readToEnds(KafkaConsumer<String, byte[]> kafka, List<TopicPartition> partitions) {
      Map<TopicPartition, Long> left = new HashMap<>();
      Map<TopicPartition, Long> positions = new HashMap<>();
      for (TopicPartition partition : partitions) {
        long end = ends.getOrDefault(partition.partition(), 0L);
        long position = kafka.position(partition, TIMEOUT);
        positions.put(partition, Math.min(position, end));
        if (end > position) {
          left.put(partition, end);
        }
      }
      done = sum(positions);
      Map<String, Seen> newest = new HashMap<>();
      while (!left.isEmpty()) {
        if (closed) {
          return null;
        }
        ConsumerRecords<String, byte[]> records = kafka.poll(POLL);
        List<LogRecord> unpeekable = null;
        for (ConsumerRecord<String, byte[]> record : records) {
          EventPeek.Peeked peeked = EventPeek.peek(record.value());
          if (peeked == null) {
            if (unpeekable == null) {
              unpeekable = new ArrayList<>();
            }
            unpeekable.add(logRecord(record));
            continue;
          }
          Seen seen = newest.get(peeked.tenantId());
          if (seen == null) {
            newest.put(peeked.tenantId(), new Seen(peeked.version(), record));
          } else if (peeked.version() >= seen.version) {
            seen.version = peeked.version();
            seen.record = record;
          }
        }
        for (TopicPartition partition : records.partitions()) {
          Long end = left.get(partition);
          long position = kafka.position(partition, TIMEOUT);
          positions.put(partition, end == null ? position : Math.min(position, end));
        }
        // A partition ends by position, so one whose last offsets hold no record (a transaction marker) ends too.
        left.entrySet().removeIf(end -> kafka.position(end.getKey(), TIMEOUT) >= end.getValue());
        done = sum(positions);
        tenants = newest.size();
        if (unpeekable != null) {
          List<LogRecord> batch = unpeekable;
          if (!handOver(() -> listener.unpeekable(batch))) {
            return null;
          }
        }
      }
      List<EventReplay.Newest> list = new ArrayList<>(newest.size());
      newest.forEach((tenantId, seen) -> list.add(new EventReplay.Newest(tenantId, seen.version, logRecord(seen.record))));
      return list;
    }

    /** After the ends: hands every poll to the rebuild, waiting for each, until closed. */
    private void readAppended(KafkaConsumer<String, byte[]> kafka) {
      while (!closed) {
        ConsumerRecords<String, byte[]> records = kafka.poll(POLL);
        if (records.isEmpty()) {
          continue;
        }
        List<LogRecord> batch = new ArrayList<>(records.count());
        records.forEach(record -> batch.add(logRecord(record)));
        if (!handOver(() -> listener.appended(batch))) {
          return;
        }
      }
    }

    /**
     * Runs {@code call} on the rebuild's context and waits for its future; false if closed
     * meanwhile. A failed future fails the read.
     */
    private boolean handOver(Supplier<Future<Void>> call) {
      CompletableFuture<Void> handled = new CompletableFuture<>();
      context.runOnContext(v -> {
        Future<Void> future;
        try {
          future = call.get();
        } catch (RuntimeException e) {
          future = Future.failedFuture(e);
        }
        future.onComplete(result -> {
          if (result.succeeded()) {
            handled.complete(null);
          } else {
            handled.completeExceptionally(result.cause());
          }
        });
      });
      while (!closed) {
        try {
          handled.get(200, TimeUnit.MILLISECONDS);
          return true;
        } catch (TimeoutException e) {
          // check closed, wait again
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        } catch (java.util.concurrent.ExecutionException e) {
          throw new IllegalStateException("rebuild failed to handle records of " + topic, e.getCause());
        }
      }
      return false;
    }

    private KafkaConsumer<String, byte[]> open() {
      Map<String, Object> config = new HashMap<>(settings.properties());
      config.keySet().removeAll(KafkaSettings.GROUP_LIVENESS);
      config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
      config.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.clientId() + "-rebuild-" + UUID.randomUUID().toString().substring(0, 6));
      config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
      config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(POLL_RECORDS));
      config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(PARTITION_FETCH_BYTES));
      return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }
  }

  private static long sum(Map<TopicPartition, Long> positions) {
    long sum = 0;
    for (long position : positions.values()) {
      sum += position;
    }
    return sum;
  }

  private static LogRecord logRecord(ConsumerRecord<String, byte[]> record) {
    return new LogRecord(record.topic(), record.partition(), record.offset(), record.key(), record.value() == null ? null : Buffer.buffer(record.value()), record.timestamp());
  }
}
