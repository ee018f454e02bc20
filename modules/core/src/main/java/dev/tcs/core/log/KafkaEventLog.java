package dev.tcs.core.log;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event log on Kafka (vertx-kafka-client): one idempotent producer ({@code acks=all}) per
 * instance, keyed by tenant so a tenant's records keep their order; one consumer per
 * subscription. Topic administration uses the plain Kafka admin client on a worker thread.
 */
public final class KafkaEventLog implements EventLog {
  private static final Logger log = LoggerFactory.getLogger(KafkaEventLog.class);
  /** The most records of one partition handed to a batch handler at once. */
  static final int MAX_BATCH = 1_000;
  /** Records per poll of a live subscription. */
  private static final int POLL_RECORDS = 500;
  /**
   * Records per poll of a replay, which reads a long backlog: vertx-kafka-client hops from its
   * poll thread to the event loop and back once per poll, so fewer, larger polls (with larger
   * fetches) cost fewer hops.
   */
  private static final int REPLAY_POLL_RECORDS = 2_000;
  /** How long {@link #ensureTopic} waits for the topic's creation and then for its leaders. */
  private static final Duration TOPIC_READY_TIMEOUT = Duration.ofSeconds(30);
  private static final long TOPIC_READY_POLL_MILLIS = 20;
  private final Vertx vertx;
  private final KafkaSettings settings;
  private final KafkaProducer<String, Buffer> producer;
  /** One thread, so bulk appends reach the producer in call order (the producer's send may block on metadata). */
  private final WorkerExecutor bulkSender;
  private Admin admin;

  public KafkaEventLog(Vertx vertx, KafkaSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
    this.producer = KafkaProducer.create(vertx, producerConfig(settings), String.class, Buffer.class);
    // A failed send also fails append()'s future, where the caller handles it; without a handler
    // Vert.x would log every failed send while Kafka is down as an unhandled ERROR.
    this.producer.exceptionHandler(e -> log.debug("producer error reason={}", e.toString()));
    this.bulkSender = vertx.createSharedWorkerExecutor("tcs-kafka-bulk-" + UUID.randomUUID().toString().substring(0, 6), 1);
  }

  /**
   * Creates the topic unless it exists. A topic it created is ready once every partition has a
   * leader (30 s at most), so that what is appended next is not sent before a broker has the
   * partition.
   */
  @Override
  public Future<Void> ensureTopic(String topic, int partitions, boolean retainForever) {
    return vertx.executeBlocking(
        () -> {
          long deadline = System.nanoTime() + TOPIC_READY_TIMEOUT.toNanos();
          NewTopic spec = new NewTopic(topic, Optional.of(partitions), Optional.empty());
          if (retainForever) {
            spec.configs(Map.of("retention.ms", "-1", "retention.bytes", "-1"));
          }
          try {
            admin().createTopics(List.of(spec)).all().get(TOPIC_READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
          } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
              return null; // a partition without a leader now (a broker down) must not stop a start
            }
            throw e;
          }
          awaitLeaders(topic, deadline);
          return null;
        },
        false);
  }

  /**
   * Waits on a worker until the metadata a broker serves gives every partition of {@code topic}
   * a leader. A topic's creation completes once the controller has it, before the brokers have
   * applied it. An append sent in between fails with NOT_LEADER_OR_FOLLOWER and is retried; with
   * several requests in flight, a later request can then be appended first, and the idempotent
   * producer's retries of the earlier one are refused as out of order until its delivery timeout:
   * a record lost and the next ones out of order (KAFKA-15591; seen in {@code KafkaEventLogIT} on
   * Kafka 4.3.1, with the broker holding sequences 1-2 of a partition and refusing 0).
   */
  private void awaitLeaders(String topic, long deadlineNanos) throws Exception {
    while (true) {
      try {
        TopicDescription description = admin().describeTopics(List.of(topic)).allTopicNames().get(TOPIC_READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
        if (description != null && description.partitions().stream().allMatch(partition -> partition.leader() != null && !partition.leader().isEmpty())) {
          return;
        }
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
      }
      if (System.nanoTime() - deadlineNanos > 0) {
        throw new TimeoutException("topic " + topic + " has a partition without a leader " + TOPIC_READY_TIMEOUT.toSeconds() + " s after it was created");
      }
      Thread.sleep(TOPIC_READY_POLL_MILLIS);
    }
  }

  @Override
  public Future<Void> append(String topic, String key, Buffer value) {
    return producer.send(KafkaProducerRecord.create(topic, key, value)).mapEmpty();
  }

  /**
   * Hands every record to the Kafka producer in one worker task, without a Vert.x round trip per
   * record; the idempotent producer ({@code max.in.flight <= 5}) keeps their order per partition.
   * Completes on the caller's context once every record handed over has been acknowledged or has
   * failed, failing with the first error.
   *
   * <p>Stops at the first record the producer did not take: a {@code send} that threw, or
   * returned a future already failed (it waited {@code max.block.ms} for the topic's metadata
   * while Kafka was away, and the record got no sequence number). The records after it are never
   * handed over, so a later record cannot land on the log without an earlier one once the broker
   * is back. The records taken before it complete as usual.
   */
  @Override
  public Future<Void> appendAll(String topic, List<Append> records) {
    if (records.isEmpty()) {
      return Future.succeededFuture();
    }
    BulkAppend bulk = new BulkAppend(vertx.getOrCreateContext());
    bulkSender
        .executeBlocking(() -> sendInOrder(topic, records, bulk), true)
        // Only when the task never ran (the executor closed): sendInOrder itself never throws.
        .onFailure(bulk::notRun);
    return bulk.done.future();
  }

  /** Sends {@code records} one after the other, stopping at the first the producer did not take. */
  private Void sendInOrder(String topic, List<Append> records, BulkAppend bulk) {
    try {
      Producer<String, Buffer> kafka = producer.unwrap();
      for (Append record : records) {
        Callback acked = bulk.handedOver();
        Exception refused;
        try {
          refused = failedAtOnce(kafka.send(new ProducerRecord<>(topic, record.key(), record.value()), acked));
        } catch (RuntimeException e) {
          refused = e;
        }
        if (refused != null) {
          acked.onCompletion(null, refused); // counted once even if Kafka called it already
          break;
        }
      }
    } catch (Throwable e) {
      bulk.fail(e);
    } finally {
      bulk.sendingDone();
    }
    return null;
  }

  /** The error of a send whose future is already failed (the record was not taken), else null. */
  private static Exception failedAtOnce(java.util.concurrent.Future<RecordMetadata> sent) {
    if (!sent.isDone()) {
      return null;
    }
    try {
      sent.get();
      return null;
    } catch (ExecutionException e) {
      return e.getCause() instanceof Exception cause ? cause : e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e;
    }
  }

  /**
   * The state of one {@link #appendAll}: the sending loop counts as one pending party until it
   * ends, every record handed over as one more until its callback (Kafka's, or ours for a record
   * refused) has run once. The promise is completed once, on the caller's context, when none is
   * pending.
   */
  private static final class BulkAppend {
    final Promise<Void> done = Promise.promise();
    private final Context context;
    private final AtomicInteger pending = new AtomicInteger(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicBoolean ran = new AtomicBoolean();

    BulkAppend(Context context) {
      this.context = context;
    }

    /** Counts one more record handed over; the callback settles it once, however often it is called. */
    Callback handedOver() {
      ran.set(true);
      pending.incrementAndGet();
      AtomicBoolean settled = new AtomicBoolean();
      return (metadata, error) -> {
        if (settled.compareAndSet(false, true)) {
          if (error != null) {
            fail(error);
          }
          settle();
        }
      };
    }

    void fail(Throwable error) {
      failure.compareAndSet(null, error);
    }

    void sendingDone() {
      ran.set(true);
      settle();
    }

    /** The task was never run: nothing was handed over, so nothing else will settle. */
    void notRun(Throwable error) {
      if (!ran.get()) {
        context.runOnContext(v -> done.tryFail(error));
      }
    }

    private void settle() {
      if (pending.decrementAndGet() == 0) {
        Throwable failed = failure.get();
        context.runOnContext(v -> {
          if (failed == null) {
            done.tryComplete();
          } else {
            done.tryFail(failed);
          }
        });
      }
    }
  }

  @Override
  public Future<Subscription> subscribe(String topic, String group, RecordHandler handler) {
    return subscribe(topic, group, BatchHandler.oneByOne(handler), 1, POLL_RECORDS);
  }

  @Override
  public Future<Subscription> replay(String topic, String groupPrefix, RecordHandler handler) {
    return subscribe(topic, replayGroup(groupPrefix), BatchHandler.oneByOne(handler), 1, POLL_RECORDS);
  }

  @Override
  public Future<Subscription> subscribeInBatches(String topic, String group, BatchHandler handler) {
    return subscribe(topic, group, handler, MAX_BATCH, POLL_RECORDS);
  }

  @Override
  public Future<Subscription> replayInBatches(String topic, String groupPrefix, BatchHandler handler) {
    return subscribe(topic, replayGroup(groupPrefix), handler, MAX_BATCH, REPLAY_POLL_RECORDS);
  }

  private Future<Subscription> subscribe(String topic, String group, BatchHandler handler, int maxBatch, int pollRecords) {
    KafkaSubscription subscription =
        new KafkaSubscription(vertx, consumerConfig(settings, group, pollRecords), topic, handler, maxBatch, settings.commitInterval());
    return subscription.start().map(subscription);
  }

  private static String replayGroup(String groupPrefix) {
    return groupPrefix + "-replay-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Override
  public Future<Void> close() {
    Future<Void> closeAdmin =
        vertx.executeBlocking(
            () -> {
              synchronized (this) {
                if (admin != null) {
                  // A pending topic creation while Kafka is unreachable must not hold shutdown for long.
                  admin.close(Duration.ofSeconds(2));
                }
              }
              return null;
            },
            false);
    return Future.join(producer.close(), closeAdmin).eventually(() -> bulkSender.close()).mapEmpty();
  }

  private synchronized Admin admin() {
    if (admin == null) {
      Map<String, Object> config = new HashMap<>();
      config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
      config.putAll(settings.properties());
      config.keySet().removeAll(KafkaSettings.GROUP_LIVENESS);
      config.put(AdminClientConfig.CLIENT_ID_CONFIG, settings.clientId() + "-admin");
      admin = Admin.create(config);
    }
    return admin;
  }

  private static Map<String, String> producerConfig(KafkaSettings settings) {
    Map<String, String> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    config.putAll(settings.properties());
    config.keySet().removeAll(KafkaSettings.GROUP_LIVENESS);
    config.put(ProducerConfig.CLIENT_ID_CONFIG, settings.clientId() + "-producer-" + UUID.randomUUID().toString().substring(0, 6));
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    config.put("max.in.flight.requests.per.connection", "5");
    config.put(ProducerConfig.LINGER_MS_CONFIG, "1");
    // Pipelined sends (a batch handler appends many records at once) fill batches of this size.
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, "131072");
    long delivery = settings.deliveryTimeout().toMillis();
    long request = Math.min(10_000, Math.max(1_000, delivery / 2));
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(request));
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(Math.max(delivery, request + 1)));
    // send() runs on a worker and may wait this long for metadata while Kafka is unreachable.
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(Math.min(delivery, 5_000)));
    reconnectQuickly(config);
    return config;
  }

  private static Map<String, String> consumerConfig(KafkaSettings settings, String group, int pollRecords) {
    Map<String, String> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    config.putAll(settings.properties());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.clientId() + "-" + group + "-" + UUID.randomUUID().toString().substring(0, 6));
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(pollRecords));
    if (pollRecords > POLL_RECORDS) {
      config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(4 * 1024 * 1024));
    }
    reconnectQuickly(config);
    return config;
  }

  /**
   * After a broker restart every client of the pipeline (relay producer, projector consumer and
   * producer, each region's consumer) reconnects in turn; at Kafka's default 1 s backoff caps these
   * waits add up to several seconds before a write made during the outage is visible (the failure
   * drill's kafka-restart phase measured 2.3-6 s). A 250 ms cap costs a few more connection
   * attempts a second while the broker is down.
   */
  private static void reconnectQuickly(Map<String, String> config) {
    config.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, "250");
    config.put(CommonClientConfigs.RETRY_BACKOFF_MAX_MS_CONFIG, "250");
  }
}
