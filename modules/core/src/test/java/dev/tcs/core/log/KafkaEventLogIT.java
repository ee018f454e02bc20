package dev.tcs.core.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.infra.EmbeddedKafka;
import dev.tcs.infra.Eventually;
import dev.tcs.infra.FreePorts;
import dev.tcs.infra.LocalInfraExtension;
import dev.tcs.infra.TestNames;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The event log against a real broker: what a subscriber sees, asserted from its handler and the group's committed offsets. */
@ExtendWith(LocalInfraExtension.class)
class KafkaEventLogIT {
  private static final Duration WITHIN = Duration.ofSeconds(30);
  private static Vertx vertx;
  private static Admin admin;
  private static String bootstrap;

  private final List<EventLog> logs = new ArrayList<>();
  private final List<Subscription> subscriptions = new ArrayList<>();
  private EventLog log;
  private String topic;

  @BeforeAll
  static void start(EmbeddedKafka kafka) {
    vertx = Vertx.vertx();
    bootstrap = kafka.bootstrapServers();
    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }

  @AfterAll
  static void stop() {
    admin.close();
    vertx.close().await();
  }

  @BeforeEach
  void newLog() {
    log = newLog("core-it");
    topic = TestNames.unique("core-events");
  }

  @AfterEach
  void closeAll() {
    for (Subscription subscription : subscriptions) {
      subscription.close().await();
    }
    for (EventLog opened : logs) {
      opened.close().await();
    }
  }

  private EventLog newLog(String clientId) {
    EventLog opened = new KafkaEventLog(vertx, new KafkaSettings(bootstrap, clientId, Duration.ofSeconds(20), Duration.ofMillis(100)));
    logs.add(opened);
    return opened;
  }

  private Subscription subscribe(EventLog on, String group, RecordHandler handler) {
    Subscription subscription = on.subscribe(topic, group, handler).await();
    subscriptions.add(subscription);
    return subscription;
  }

  private void close(Subscription subscription) {
    subscriptions.remove(subscription);
    subscription.close().await();
  }

  private void append(String key, String... values) {
    List<Future<Void>> sent = new ArrayList<>();
    for (String value : values) {
      sent.add(log.append(topic, key, Buffer.buffer(value)));
    }
    Future.all(sent).await();
  }

  private static String[] values(String prefix, int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> prefix + i).toArray(String[]::new);
  }

  /** A handler that records every record it is given and succeeds at once. */
  private static RecordHandler recordInto(List<LogRecord> seen) {
    return record -> {
      seen.add(record);
      return Future.succeededFuture();
    };
  }

  private static List<String> valuesOf(Collection<LogRecord> records) {
    return records.stream().map(r -> r.value().toString(StandardCharsets.UTF_8)).toList();
  }

  private static Map<TopicPartition, OffsetAndMetadata> committed(String group) {
    try {
      return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static long committedOffset(String group, TopicPartition partition) {
    OffsetAndMetadata offset = committed(group).get(partition);
    return offset == null ? -1 : offset.offset();
  }

  // ---- ensureTopic ----

  @Test
  void ensureTopic_twice_succeedsAndKeepsTheFirstSettings() throws Exception {
    log.ensureTopic(topic, 3, true).await();
    log.ensureTopic(topic, 3, true).await();
    log.ensureTopic(topic, 5, false).await();
    TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
    assertEquals(3, description.partitions().size());
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Config config = admin.describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS).get(resource);
    assertEquals("-1", config.get("retention.ms").value());
    assertEquals("-1", config.get("retention.bytes").value());
  }

  // ---- order ----

  @Test
  void subscribe_recordsOfOneKey_arriveInAppendOrder() {
    log.ensureTopic(topic, 3, false).await();
    List<LogRecord> seen = new CopyOnWriteArrayList<>();
    subscribe(log, TestNames.unique("g"), recordInto(seen));
    List<Future<Void>> sent = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      sent.add(log.append(topic, "acme", Buffer.buffer("acme-" + i)));
      sent.add(log.append(topic, "globex", Buffer.buffer("globex-" + i)));
    }
    Future.all(sent).await();
    Eventually.until(WITHIN, "120 records", () -> seen.size() >= 120);
    List<LogRecord> acme = seen.stream().filter(r -> "acme".equals(r.key())).toList();
    List<LogRecord> globex = seen.stream().filter(r -> "globex".equals(r.key())).toList();
    assertEquals(List.of(values("acme-", 0, 60)), valuesOf(acme));
    assertEquals(List.of(values("globex-", 0, 60)), valuesOf(globex));
    assertEquals(1, acme.stream().map(LogRecord::partition).distinct().count());
    assertTrue(acme.get(0).position().startsWith(topic + "/"), acme.get(0).position());
  }

  // ---- appendAll ----

  @Test
  void appendAll_recordsOfOneKey_landInOrder() {
    log.ensureTopic(topic, 2, false).await();
    // One record alone first: produce requests pipelined into a partition created a moment ago can
    // be reordered by the broker (KAFKA-15591, fixed in Kafka 4.5), losing the first batch.
    append("acme", "v0");
    List<Append> records = IntStream.range(1, 50).mapToObj(i -> new Append("acme", Buffer.buffer("v" + i))).toList();
    log.appendAll(topic, records).await();
    List<LogRecord> seen = new CopyOnWriteArrayList<>();
    subscribe(log, TestNames.unique("g"), recordInto(seen));
    Eventually.until(WITHIN, "50 records", () -> seen.size() >= 50);
    assertEquals(List.of(values("v", 0, 50)), valuesOf(seen));
  }

  /**
   * Regression (issue 8): appendAll handed every record to the producer even after one was not
   * taken. While Kafka is away a send waits {@code max.block.ms} for the topic's metadata and
   * fails the record before it gets a sequence number; a later record of the same call could be
   * taken once the broker was back, and versions landed out of order ([1,2,3,5,4]). Where no
   * broker answers, every send fails that way: the call must stop at the first one, so only that
   * one reaches the producer and the call waits {@code max.block.ms} once, not once per record.
   * (The embedded broker creates topics on first use, so a missing topic would not do; nor does
   * the producer have an {@code allow.auto.create.topics} of its own.)
   */
  @Test
  void appendAll_kafkaUnreachable_failsAtTheFirstRecordAndHandsNoLaterOneToTheProducer() throws Exception {
    String clientId = TestNames.unique("unreachable");
    Duration maxBlock = Duration.ofMillis(300); // max.block.ms = the delivery timeout, when under 5 s
    String nobody = "127.0.0.1:" + FreePorts.one();
    EventLog unreachable = new KafkaEventLog(vertx, new KafkaSettings(nobody, clientId, maxBlock, Duration.ofMillis(100)));
    logs.add(unreachable);
    List<Append> records = IntStream.range(0, 20).mapToObj(i -> new Append("acme", Buffer.buffer("v" + i))).toList();

    long start = System.nanoTime();
    Future<Void> appended = unreachable.appendAll(topic, records);
    Throwable error = assertThrows(Throwable.class, appended::await);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertInstanceOf(org.apache.kafka.common.errors.TimeoutException.class, error, error.toString());
    assertEquals(1.0, producerMetric(clientId, "record-error-total"), "records that reached the producer and failed");
    // 20 records at max.block.ms each would take 6 s.
    assertTrue(took.compareTo(maxBlock.multipliedBy(10)) < 0, "waited " + took + " for metadata");
  }

  /** A metric of the producer of the event log opened with {@code clientId}, read from JMX as any operator would. */
  private static double producerMetric(String clientId, String name) throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    Set<ObjectName> found = server.queryNames(new ObjectName("kafka.producer:type=producer-metrics,client-id=" + clientId + "-producer-*"), null);
    assertEquals(1, found.size(), "one producer of " + clientId + ": " + found);
    return ((Number) server.getAttribute(found.iterator().next(), name)).doubleValue();
  }

  // ---- retry ----

  @Test
  void subscribe_handlerFailsTwice_sameRecordThreeTimesThenTheNext() {
    log.ensureTopic(topic, 1, false).await();
    append("acme", "first", "second");
    List<String> seen = new CopyOnWriteArrayList<>();
    List<Long> at = new CopyOnWriteArrayList<>();
    AtomicInteger failures = new AtomicInteger();
    subscribe(
        log,
        TestNames.unique("g"),
        record -> {
          String value = record.value().toString();
          seen.add(value);
          at.add(System.nanoTime());
          if (value.equals("first") && failures.incrementAndGet() <= 2) {
            return Future.failedFuture("store down");
          }
          return Future.succeededFuture();
        });
    Eventually.until(WITHIN, "second handled", () -> seen.contains("second"));
    assertEquals(List.of("first", "first", "first", "second"), seen);
    // Backoff 100 ms doubling, half of each wait random: [50, 100] ms, then [100, 200] ms.
    assertTrue(at.get(1) - at.get(0) >= TimeUnit.MILLISECONDS.toNanos(50), "first retry waited its backoff");
    assertTrue(at.get(2) - at.get(1) >= TimeUnit.MILLISECONDS.toNanos(100), "second retry waited a longer backoff");
  }

  @Test
  void subscribe_handlerThrows_retriedLikeAFailedFuture() {
    log.ensureTopic(topic, 1, false).await();
    append("acme", "first", "second");
    List<String> seen = new CopyOnWriteArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    subscribe(
        log,
        TestNames.unique("g"),
        record -> {
          seen.add(record.value().toString());
          if (calls.incrementAndGet() == 1) {
            throw new IllegalStateException("bug in a handler");
          }
          return Future.succeededFuture();
        });
    Eventually.until(WITHIN, "second handled", () -> seen.contains("second"));
    assertEquals(List.of("first", "first", "second"), seen);
  }

  /**
   * Regression: only RuntimeException was caught; an Error thrown by a handler, or a null
   * future, failed the record without a retry, the lane moved on, and the next success
   * committed the group's position past the record that was never handled.
   */
  @Test
  void subscribe_handlerThrowsErrorOrReturnsNull_recordRetriedNeverSkipped() {
    log.ensureTopic(topic, 1, false).await();
    append("acme", "first", "second", "third");
    List<String> seen = new CopyOnWriteArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    String group = TestNames.unique("g");
    subscribe(
        log,
        group,
        record -> {
          seen.add(record.value().toString());
          int call = calls.incrementAndGet();
          if (call == 1) {
            throw new AssertionError("an Error from a handler");
          }
          if (call == 3) {
            return null;
          }
          return Future.succeededFuture();
        });
    Eventually.until(WITHIN, "third handled", () -> seen.contains("third"));
    assertEquals(List.of("first", "first", "second", "second", "third"), seen);
  }

  // ---- committed position ----

  @Test
  void subscribe_sameGroupAfterClose_resumesAfterTheCommittedPosition() {
    log.ensureTopic(topic, 2, false).await();
    String group = TestNames.unique("g");
    append("acme", values("a-", 0, 5));
    append("globex", values("g-", 0, 5));
    List<LogRecord> first = new CopyOnWriteArrayList<>();
    Subscription subscription = subscribe(log, group, recordInto(first));
    Eventually.until(WITHIN, "10 records", () -> first.size() >= 10);
    close(subscription);

    append("acme", values("a-", 5, 8));
    List<LogRecord> second = new CopyOnWriteArrayList<>();
    Subscription resumed = subscribe(log, group, recordInto(second));
    Eventually.until(WITHIN, "3 new records", () -> second.size() >= 3);
    close(resumed);
    assertEquals(List.of("a-5", "a-6", "a-7"), valuesOf(second));
    assertEquals(10, first.size());
  }

  @Test
  void close_whileARecordIsRetrying_closesPromptlyAndTheRecordIsHandledAgainLater() {
    log.ensureTopic(topic, 1, false).await();
    String group = TestNames.unique("g");
    append("acme", "ok", "stuck", "after");
    List<String> seen = new CopyOnWriteArrayList<>();
    Subscription failing =
        subscribe(
            log,
            group,
            record -> {
              seen.add(record.value().toString());
              return record.value().toString().equals("stuck") ? Future.failedFuture("store down") : Future.succeededFuture();
            });
    Eventually.until(WITHIN, "stuck retried", () -> seen.stream().filter("stuck"::equals).count() >= 2);
    long start = System.nanoTime();
    close(failing);
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "close did not wait for the retries");
    assertEquals(1, committedOffset(group, new TopicPartition(topic, 0)));
    assertTrue(!seen.contains("after"), "nothing after the stuck record was handled: " + seen);

    List<LogRecord> again = new CopyOnWriteArrayList<>();
    subscribe(log, group, recordInto(again));
    Eventually.until(WITHIN, "stuck and after", () -> again.size() >= 2);
    assertEquals(List.of("stuck", "after"), valuesOf(again));
  }

  @Test
  void subscribe_committedOffsets_followHandledRecords() {
    log.ensureTopic(topic, 1, false).await();
    String group = TestNames.unique("g");
    append("acme", values("r-", 0, 4));
    List<LogRecord> seen = new CopyOnWriteArrayList<>();
    subscribe(log, group, recordInto(seen));
    Eventually.until(WITHIN, "4 records", () -> seen.size() >= 4);
    Eventually.until(WITHIN, "offset 4 committed", () -> committedOffset(group, new TopicPartition(topic, 0)) == 4);
  }

  // ---- replay ----

  /**
   * Regression: a topic's creation completed before the broker had applied it, and appends sent at
   * once could lose their first record (the broker refused its retries as out of order once a later
   * request was in: KAFKA-15591). {@code replay_afterAGroupCommittedEverything_readsFromTheStart}
   * failed that way once in a fresh-clone CI.
   */
  @Test
  void ensureTopic_newTopic_completesOnlyOnceEveryPartitionHasALeader() throws Exception {
    for (int i = 0; i < 10; i++) {
      String fresh = TestNames.unique("core-ready");
      log.ensureTopic(fresh, 4, false).await();
      TopicDescription description = admin.describeTopics(List.of(fresh)).allTopicNames().get(10, TimeUnit.SECONDS).get(fresh);
      assertTrue(description.partitions().stream().allMatch(partition -> partition.leader() != null && !partition.leader().isEmpty()), fresh + ": " + description);
    }
  }

  @Test
  void replay_afterAGroupCommittedEverything_readsFromTheStart() {
    log.ensureTopic(topic, 2, true).await();
    String group = TestNames.unique("g");
    append("acme", values("a-", 0, 3));
    append("globex", values("g-", 0, 3));
    List<LogRecord> live = new CopyOnWriteArrayList<>();
    Subscription subscription = subscribe(log, group, recordInto(live));
    Eventually.until(WITHIN, "6 records", () -> live.size() >= 6);
    close(subscription);

    List<LogRecord> replayed = new CopyOnWriteArrayList<>();
    Subscription replay = log.replay(topic, "tcs-projector", recordInto(replayed)).await();
    subscriptions.add(replay);
    Eventually.until(WITHIN, "6 replayed records", () -> replayed.size() >= 6);
    close(replay);
    assertEquals(Set.of("a-0", "a-1", "a-2", "g-0", "g-1", "g-2"), Set.copyOf(valuesOf(replayed)));
    assertEquals(6, replayed.size());
    assertEquals(List.of("a-0", "a-1", "a-2"), valuesOf(replayed.stream().filter(r -> "acme".equals(r.key())).toList()));
  }

  // ---- back-pressure ----

  @Test
  void subscribe_laneBacksUpPastTheHighWaterMark_pausedThenResumedAndNothingLost() {
    log.ensureTopic(topic, 1, false).await();
    Promise<Void> gate = Promise.promise();
    List<LogRecord> seen = new CopyOnWriteArrayList<>();
    subscribe(
        log,
        TestNames.unique("g"),
        record -> {
          seen.add(record);
          return record.offset() == 0 ? gate.future() : Future.succeededFuture();
        });
    append("acme", values("r-", 0, 1_600));
    Eventually.until(WITHIN, "first record held", () -> seen.size() == 1);
    vertx.runOnContext(v -> gate.complete());
    Eventually.until(Duration.ofSeconds(60), "1600 records", () -> seen.size() >= 1_600);
    assertEquals(List.of(values("r-", 0, 1_600)), valuesOf(seen));
  }

  // ---- rebalance ----

  /**
   * Regression: a revoked partition's lane kept handing its queued records to the handler
   * after the revocation, while the lane opened when the partition came back started from the
   * committed position at once. So one partition had two records in the handler at the same
   * time, and its records were handled out of order and twice within one subscription.
   *
   * <p>Subscription A (client id "a...") holds record 0 of partition 0 in its handler; B joins
   * the group; with the range assignor (eager: every partition is revoked) partition 0 goes
   * back to A, whose member id sorts first. Once A lets record 0 go, A must handle partition 0
   * from the committed position (nothing committed: record 0) in order, one record at a time.
   */
  @Test
  void subscribe_partitionRevokedAndReturnedWhileARecordIsInTheHandler_neverTwoAtOnceNorOutOfOrder() throws Exception {
    log.ensureTopic(topic, 2, false).await();
    String group = TestNames.unique("g");
    String key = keyFor(0, 2);
    append(key, values("p0-", 0, 5));

    EventLog logA = newLog("a-" + group);
    EventLog logB = newLog("b-" + group);
    Promise<Void> gate = Promise.promise();
    List<LogRecord> seenByA = new CopyOnWriteArrayList<>();
    AtomicInteger inHandler = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    RecordHandler handlerA =
        record -> {
          seenByA.add(record);
          mostAtOnce.accumulateAndGet(inHandler.incrementAndGet(), Math::max);
          Future<Void> done = seenByA.size() == 1 ? gate.future() : Future.succeededFuture();
          return done.andThen(r -> inHandler.decrementAndGet());
        };
    subscribe(logA, group, handlerA);
    Eventually.until(WITHIN, "A holds record 0", () -> seenByA.size() == 1);

    List<LogRecord> seenByB = new CopyOnWriteArrayList<>();
    subscribe(logB, group, recordInto(seenByB));
    Eventually.until(WITHIN, "group stable with A and B", () -> stableMembers(group).size() == 2);
    MemberDescription owner =
        stableMembers(group).stream().filter(m -> m.assignment().topicPartitions().contains(new TopicPartition(topic, 0))).findFirst().orElseThrow();
    assertTrue(owner.clientId().startsWith("a-"), "the range assignor gave partition 0 to A: " + owner);

    vertx.runOnContext(v -> gate.complete());
    Eventually.until(WITHIN, "partition 0 committed through record 4", () -> committedOffset(group, new TopicPartition(topic, 0)) == 5);
    for (Subscription subscription : List.copyOf(subscriptions)) {
      close(subscription);
    }
    assertEquals(1, mostAtOnce.get(), "records of one partition in the handler at once");
    assertEquals(List.of("p0-0", "p0-0", "p0-1", "p0-2", "p0-3", "p0-4"), valuesOf(seenByA));
    assertEquals(List.of(), seenByB);
  }

  private Collection<MemberDescription> stableMembers(String group) {
    try {
      ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
      return description.groupState() == GroupState.STABLE ? description.members() : List.of();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** A key the default partitioner puts on {@code partition} of a topic with {@code partitions}. */
  private static String keyFor(int partition, int partitions) {
    for (int i = 0; ; i++) {
      String key = "tenant-" + i;
      if (Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions == partition) {
        return key;
      }
    }
  }
}
