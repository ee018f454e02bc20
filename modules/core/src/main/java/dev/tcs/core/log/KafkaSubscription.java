package dev.tcs.core.log;

import dev.tcs.core.retry.Backoff;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer of one topic. Records of a partition go through the handler in offset order, a
 * batch at a time (a "lane" per partition): whatever arrived while the previous batch was in the
 * handler, up to a maximum, forms the next batch, so a lane never waits between records and a
 * handler can coalesce and pipeline. A partition whose lane backs up is paused (never the whole
 * stream, which would stop polling and cost a rebalance) and resumed once it drains. Positions
 * are committed in order, periodically, up to the last batch whose handling succeeded. A failed
 * handling (a failed future, a thrown exception or error, a null future) retries the same batch
 * with a capped exponential backoff; a record is never skipped by the log itself.
 *
 * <p>When a partition is revoked (a rebalance), its lane stops: the batch in the handler may
 * finish, the queued records are left for whoever owns the partition next, who reads them again
 * from the committed position. If the partition comes back to this subscription, its new lane
 * starts only after the old lane's last batch left the handler, so a partition never has two
 * batches in the handler at once and its records are handled in order.
 *
 * <p>All lane state lives on the context that created the subscription.
 */
final class KafkaSubscription implements Subscription {
  private static final Logger log = LoggerFactory.getLogger(KafkaSubscription.class);
  private static final int HIGH_WATER = 2_000;
  private static final int LOW_WATER = 200;
  /**
   * Retries of a record whose handling failed (its store is down, say). Capped at half a second:
   * once the store is back the record goes through within about that, not after a long backoff
   * (the failure drill's dynamo-failing phase measures it against a 2 s freshness target, which
   * also has to cover the invalidation and the sidecar's refresh); two retries a second are cheap.
   */
  private static final Backoff RETRY = Backoff.exponential(Duration.ofMillis(100), Duration.ofMillis(500));

  private final Vertx vertx;
  private final Context context;
  private final KafkaConsumer<String, Buffer> consumer;
  private final String topic;
  private final String group;
  private final BatchHandler handler;
  private final int maxBatch;
  private final Duration commitInterval;
  private final Map<TopicPartition, Lane> lanes = new HashMap<>();
  /** Revoked lanes still handling a batch, by partition: a new lane of that partition waits for them. */
  private final Map<TopicPartition, Future<Void>> draining = new HashMap<>();
  private long commitTimer = -1;
  /** Completes once the last commit sent has answered (never fails). */
  private Future<Void> lastCommit = Future.succeededFuture();
  private int commitsInFlight;
  private boolean closed;

  /** The in-order work queue of one partition. */
  private static final class Lane {
    final TopicPartition partition;
    final ArrayDeque<LogRecord> queue = new ArrayDeque<>();
    /** The batch in the handler (or the previous owner's last batch); completes, never fails. */
    Future<Void> current;
    boolean busy;
    boolean scheduled;
    boolean paused;
    boolean revoked;
    long done = -1;
    /** The last handled offset whose commit was sent, answered or not. */
    long sent = -1;
    long committed = -1;

    Lane(TopicPartition partition) {
      this.partition = partition;
    }
  }

  KafkaSubscription(
      Vertx vertx, Map<String, String> config, String topic, BatchHandler handler, int maxBatch, Duration commitInterval) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.topic = topic;
    this.group = config.get("group.id");
    this.handler = handler;
    this.maxBatch = maxBatch;
    this.commitInterval = commitInterval;
    this.consumer = KafkaConsumer.create(vertx, config, String.class, Buffer.class);
  }

  Future<Void> start() {
    Promise<Void> started = Promise.promise();
    context.runOnContext(
        v -> {
          // vertx-kafka-client hands a poll's records to handler() ten per event-loop task; the batch
          // handler sees the whole poll at once, so a lane's next batch holds all of it. handler()
          // must still be set (it starts the polling); it has nothing left to do.
          consumer.batchHandler(this::enqueueAll);
          consumer.handler(record -> {});
          consumer.partitionsRevokedHandler(this::revoke);
          consumer.exceptionHandler(e -> log.warn("consumer error topic={} group={} reason={}", topic, group, e.toString()));
          commitTimer = vertx.setPeriodic(commitInterval.toMillis(), id -> commitOnTick());
          consumer
              .subscribe(topic)
              .onComplete(started)
              .onFailure(
                  e -> {
                    closed = true;
                    vertx.cancelTimer(commitTimer);
                    consumer.close();
                  });
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
          // A failed final commit is logged by commitProcessed; the records after the last
          // committed position are then handled again by the next subscriber (at least once).
          commitProcessed().otherwiseEmpty().compose(done -> consumer.close()).onComplete(closedPromise);
        });
    return closedPromise.future();
  }

  private void enqueueAll(KafkaConsumerRecords<String, Buffer> records) {
    for (int i = 0; i < records.size(); i++) {
      enqueue(records.recordAt(i));
    }
  }

  private void enqueue(KafkaConsumerRecord<String, Buffer> kafkaRecord) {
    if (closed) {
      // Any consumer call after close() restarts the consumer on a second thread (vertx-kafka-client 5.0.8).
      return;
    }
    TopicPartition partition = new TopicPartition(kafkaRecord.topic(), kafkaRecord.partition());
    Lane lane = lanes.computeIfAbsent(partition, this::openLane);
    lane.queue.add(
        new LogRecord(
            kafkaRecord.topic(),
            kafkaRecord.partition(),
            kafkaRecord.offset(),
            kafkaRecord.key(),
            kafkaRecord.value(),
            kafkaRecord.timestamp()));
    if (lane.queue.size() >= HIGH_WATER && !lane.paused) {
      lane.paused = true;
      consumer.pause(partition);
    }
    if (!lane.busy && !lane.scheduled) {
      // The rest of this poll is delivered in the same task: start the batch after it, so it holds them all.
      lane.scheduled = true;
      context.runOnContext(v -> {
        lane.scheduled = false;
        drain(lane);
      });
    }
  }

  /** A new lane for {@code partition}, starting once a revoked lane of the same partition has drained. */
  private Lane openLane(TopicPartition partition) {
    Lane lane = new Lane(partition);
    Future<Void> previous = draining.remove(partition);
    if (previous == null) {
      lane.current = Future.succeededFuture();
    } else {
      lane.busy = true;
      lane.current = previous;
      previous.onComplete(done -> {
        lane.busy = false;
        drain(lane);
      });
    }
    return lane;
  }

  /** Hands the lane's queued records to the handler as one batch, unless a batch is in it already. */
  private void drain(Lane lane) {
    if (lane.busy || lane.revoked || closed || lane.queue.isEmpty()) {
      return;
    }
    List<LogRecord> batch = new ArrayList<>(Math.min(lane.queue.size(), maxBatch));
    while (!lane.queue.isEmpty() && batch.size() < maxBatch) {
      batch.add(lane.queue.poll());
    }
    lane.busy = true;
    Promise<Void> finished = Promise.promise();
    lane.current = finished.future();
    processUntilDone(lane, batch, 0)
        .onComplete(
            result -> {
              finish(lane, batch, result.succeeded());
              finished.complete();
            });
  }

  private void finish(Lane lane, List<LogRecord> batch, boolean succeeded) {
    lane.busy = false;
    if (succeeded) {
      lane.done = Math.max(lane.done, batch.get(batch.size() - 1).offset());
    }
    if (lane.paused && lane.queue.size() <= LOW_WATER && !lane.revoked && !closed) {
      lane.paused = false;
      consumer.resume(lane.partition);
    }
    drain(lane);
  }

  private Future<Void> processUntilDone(Lane lane, List<LogRecord> batch, int attempt) {
    if (closed || lane.revoked) {
      return Future.failedFuture(closed ? "subscription closed" : "partition revoked");
    }
    return onContext(handle(batch))
        .recover(
            failure -> {
              if (closed || lane.revoked) {
                return Future.failedFuture(failure);
              }
              long backoff = RETRY.delayMillis(attempt);
              log.warn(
                  "record handling failed, retrying position={} records={} group={} attempt={} backoffMs={} reason={}",
                  batch.get(0).position(), batch.size(), group, attempt + 1, backoff, failure.toString());
              Promise<Void> retried = Promise.promise();
              vertx.setTimer(backoff, id -> processUntilDone(lane, batch, attempt + 1).onComplete(retried));
              return retried.future();
            });
  }

  /** Calls the handler; whatever goes wrong in it (a throw of any kind, a null future) is a failed future. */
  private Future<Void> handle(List<LogRecord> batch) {
    try {
      Future<Void> handled = handler.handle(List.copyOf(batch));
      return handled != null ? handled : Future.failedFuture(new NullPointerException("handler returned null instead of a future"));
    } catch (Throwable e) {
      return Future.failedFuture(e);
    }
  }

  /** Moves completion of {@code future} back onto this subscription's context. */
  private Future<Void> onContext(Future<Void> future) {
    Promise<Void> promise = Promise.promise();
    future.onComplete(result -> context.runOnContext(v -> promise.handle(result)));
    return promise.future();
  }

  private void revoke(Set<TopicPartition> partitions) {
    if (!closed) {
      commitProcessed(); // close() commits by itself, then leaves the group (which revokes)
    }
    for (TopicPartition partition : partitions) {
      Lane lane = lanes.remove(partition);
      if (lane != null) {
        lane.revoked = true;
        Future<Void> tail = lane.current;
        draining.put(partition, tail);
        tail.onComplete(done -> draining.remove(partition, tail));
        if (!lane.queue.isEmpty()) {
          log.info("partition revoked, queued records left to its next owner topic={} partition={} group={} queued={}",
              topic, partition.getPartition(), group, lane.queue.size());
          lane.queue.clear();
        }
      }
    }
  }

  /** The periodic commit; skipped while one is in flight, so commits never queue up behind a poll. */
  private void commitOnTick() {
    if (commitsInFlight == 0) {
      commitProcessed();
    }
  }

  /**
   * Commits, per lane, the position after the last handled record, unless that position was
   * already sent. Commits go out one at a time, each after the previous one answered, so they
   * reach the broker in order; the returned future completes once this commit, and every one
   * before it, has answered.
   */
  private Future<Void> commitProcessed() {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    Map<TopicPartition, Lane> committing = new HashMap<>();
    lanes.forEach(
        (partition, lane) -> {
          if (lane.done > lane.sent) {
            offsets.put(partition, new OffsetAndMetadata(lane.done + 1, ""));
            committing.put(partition, lane);
            lane.sent = lane.done;
          }
        });
    if (offsets.isEmpty()) {
      return lastCommit;
    }
    commitsInFlight++;
    Future<Void> commit =
        lastCommit
            .transform(previous -> consumer.commit(offsets).<Void>mapEmpty())
            .onSuccess(ok -> committing.forEach((partition, lane) -> lane.committed = Math.max(lane.committed, offsets.get(partition).getOffset() - 1)))
            .onFailure(
                e -> {
                  log.warn("offset commit failed topic={} group={} reason={}", topic, group, e.toString());
                  committing.forEach((partition, lane) -> lane.sent = lane.committed);
                })
            .andThen(done -> commitsInFlight--);
    lastCommit = commit.otherwiseEmpty();
    return commit;
  }
}
