package dev.tcs.core.log;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer of one topic. Records of a partition go through the handler one at a time, in
 * offset order (a "lane" per partition); a partition whose lane backs up is paused (never the
 * whole stream, which would stop polling and cost a rebalance) and resumed once it drains.
 * Positions are committed in order, periodically, up to the last record whose handling
 * succeeded. A failed handling is retried with a capped exponential backoff.
 *
 * <p>All lane state lives on the context that created the subscription.
 */
final class KafkaSubscription implements Subscription {
  private static final Logger log = LoggerFactory.getLogger(KafkaSubscription.class);
  private static final int HIGH_WATER = 1_000;
  private static final int LOW_WATER = 100;
  private static final long MAX_BACKOFF_MS = 5_000;

  private final Vertx vertx;
  private final Context context;
  private final KafkaConsumer<String, Buffer> consumer;
  private final String topic;
  private final String group;
  private final RecordHandler handler;
  private final Duration commitInterval;
  private final Map<TopicPartition, Lane> lanes = new HashMap<>();
  private long commitTimer = -1;
  private boolean closed;

  /** The in-order work queue of one partition. */
  private static final class Lane {
    Future<Void> tail = Future.succeededFuture();
    int pending;
    boolean paused;
    boolean revoked;
    long done = -1;
    long committed = -1;
  }

  KafkaSubscription(Vertx vertx, Map<String, String> config, String topic, RecordHandler handler, Duration commitInterval) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.topic = topic;
    this.group = config.get("group.id");
    this.handler = handler;
    this.commitInterval = commitInterval;
    this.consumer = KafkaConsumer.create(vertx, config, String.class, Buffer.class);
  }

  Future<Void> start() {
    Promise<Void> started = Promise.promise();
    context.runOnContext(
        v -> {
          consumer.handler(this::enqueue);
          consumer.partitionsRevokedHandler(this::revoke);
          consumer.exceptionHandler(e -> log.warn("consumer error topic={} group={} reason={}", topic, group, e.toString()));
          commitTimer = vertx.setPeriodic(commitInterval.toMillis(), id -> commitProcessed());
          consumer.subscribe(topic).onComplete(started);
        });
    return started.future();
  }

  @Override
  public Future<Void> close() {
    Promise<Void> closedPromise = Promise.promise();
    context.runOnContext(
        v -> {
          closed = true;
          vertx.cancelTimer(commitTimer);
          commitProcessed().eventually(consumer::close).onComplete(closedPromise);
        });
    return closedPromise.future();
  }

  private void enqueue(KafkaConsumerRecord<String, Buffer> kafkaRecord) {
    TopicPartition partition = new TopicPartition(kafkaRecord.topic(), kafkaRecord.partition());
    Lane lane = lanes.computeIfAbsent(partition, p -> new Lane());
    LogRecord record =
        new LogRecord(
            kafkaRecord.topic(),
            kafkaRecord.partition(),
            kafkaRecord.offset(),
            kafkaRecord.key(),
            kafkaRecord.value(),
            kafkaRecord.timestamp());
    lane.pending++;
    if (lane.pending >= HIGH_WATER && !lane.paused) {
      lane.paused = true;
      consumer.pause(partition);
    }
    lane.tail = lane.tail.transform(previous -> processUntilDone(record, 0)).andThen(done -> finish(partition, lane, record, done.succeeded()));
  }

  private void finish(TopicPartition partition, Lane lane, LogRecord record, boolean succeeded) {
    lane.pending--;
    if (succeeded) {
      lane.done = Math.max(lane.done, record.offset());
    }
    if (lane.paused && lane.pending <= LOW_WATER && !lane.revoked && !closed) {
      lane.paused = false;
      consumer.resume(partition);
    }
  }

  private Future<Void> processUntilDone(LogRecord record, int attempt) {
    if (closed) {
      return Future.failedFuture("subscription closed");
    }
    Future<Void> handled;
    try {
      handled = handler.handle(record);
    } catch (RuntimeException e) {
      handled = Future.failedFuture(e);
    }
    return onContext(handled)
        .recover(
            failure -> {
              if (closed) {
                return Future.failedFuture(failure);
              }
              long backoff = Math.min(MAX_BACKOFF_MS, 100L << Math.min(attempt, 6));
              log.warn(
                  "record handling failed, retrying position={} group={} attempt={} backoffMs={} reason={}",
                  record.position(), group, attempt + 1, backoff, failure.toString());
              Promise<Void> retried = Promise.promise();
              vertx.setTimer(backoff, id -> processUntilDone(record, attempt + 1).onComplete(retried));
              return retried.future();
            });
  }

  /** Moves completion of {@code future} back onto this subscription's context. */
  private Future<Void> onContext(Future<Void> future) {
    Promise<Void> promise = Promise.promise();
    future.onComplete(result -> context.runOnContext(v -> promise.handle(result)));
    return promise.future();
  }

  private void revoke(Set<TopicPartition> partitions) {
    commitProcessed();
    for (TopicPartition partition : partitions) {
      Lane lane = lanes.remove(partition);
      if (lane != null) {
        lane.revoked = true;
      }
    }
  }

  private Future<Void> commitProcessed() {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    Map<TopicPartition, Lane> committing = new HashMap<>();
    lanes.forEach(
        (partition, lane) -> {
          if (lane.done > lane.committed) {
            offsets.put(partition, new OffsetAndMetadata(lane.done + 1, ""));
            committing.put(partition, lane);
          }
        });
    if (offsets.isEmpty()) {
      return Future.succeededFuture();
    }
    return consumer
        .commit(offsets)
        .onSuccess(ok -> committing.forEach((partition, lane) -> lane.committed = Math.max(lane.committed, offsets.get(partition).getOffset() - 1)))
        .onFailure(e -> log.warn("offset commit failed topic={} group={} reason={}", topic, group, e.toString()))
        .mapEmpty();
  }
}
