package dev.tcs.catalogue.testing;

import dev.tcs.core.model.CatalogueEvent;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads every record of a topic from its start (no group), decoding catalogue events. */
public final class TopicReader implements AutoCloseable {
  private final KafkaConsumer<String, String> consumer;
  private final String topic;
  private final List<CatalogueEvent> events = new ArrayList<>();
  private boolean assigned;

  public TopicReader(String bootstrapServers, String topic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    this.topic = topic;
  }

  /** Polls until {@code done} holds for everything read so far, or fails after {@code timeout}. */
  public List<CatalogueEvent> readUntil(Predicate<List<CatalogueEvent>> done, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.test(events)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("topic " + topic + " did not get there within " + timeout + "; read " + summary(events));
      }
      poll();
    }
    return List.copyOf(events);
  }

  /** Everything read so far. */
  public List<CatalogueEvent> events() {
    return List.copyOf(events);
  }

  private void poll() {
    if (!assigned) {
      List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(2));
      if (partitions == null || partitions.isEmpty()) {
        return;
      }
      List<TopicPartition> all = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(all);
      consumer.seekToBeginning(all);
      assigned = true;
    }
    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
      CatalogueEvent event = CatalogueEvent.fromJson(new JsonObject(record.value()));
      if (!event.tenantId().equals(record.key())) {
        throw new AssertionError("record key " + record.key() + " is not the tenant of its event " + event.tenantId());
      }
      events.add(event);
    }
  }

  /** The versions of one tenant in the order they were read, duplicates included. */
  public static List<Long> versions(List<CatalogueEvent> events, String tenantId) {
    return events.stream().filter(e -> e.tenantId().equals(tenantId)).map(CatalogueEvent::version).toList();
  }

  /** The versions of one tenant in the order each was first read (duplicates dropped). */
  public static List<Long> firstSeen(List<CatalogueEvent> events, String tenantId) {
    return List.copyOf(new LinkedHashSet<>(versions(events, tenantId)));
  }

  /** True when {@code tenantId} has every version 1..n. */
  public static boolean hasAll(List<CatalogueEvent> events, String tenantId, long n) {
    return new LinkedHashSet<>(versions(events, tenantId)).size() >= n;
  }

  private static String summary(List<CatalogueEvent> events) {
    Map<String, List<Long>> byTenant = new java.util.TreeMap<>();
    events.forEach(e -> byTenant.computeIfAbsent(e.tenantId(), t -> new ArrayList<>()).add(e.version()));
    return byTenant.toString();
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(1));
  }
}
