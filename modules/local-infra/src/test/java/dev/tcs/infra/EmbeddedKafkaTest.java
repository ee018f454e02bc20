package dev.tcs.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void produceConsume_stopRestart_sameAddressKeepsData() throws Exception {
    Path dir;
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      dir = kafka.baseDir();
      String bootstrap = kafka.bootstrapServers();
      String topic = TestNames.unique("kafka-test");

      try (KafkaProducer<String, String> producer = producer(bootstrap);
          KafkaConsumer<String, String> consumer = consumer(bootstrap)) {
        consumer.subscribe(List.of(topic));
        producer.send(new ProducerRecord<>(topic, "k1", "before")).get(30, TimeUnit.SECONDS);
        assertEquals(List.of("before"), pollValues(consumer, 1));

        kafka.stop();
        kafka.restart();
        assertEquals(bootstrap, kafka.bootstrapServers());

        // The same clients reconnect to the restarted broker by themselves.
        producer.send(new ProducerRecord<>(topic, "k1", "after")).get(30, TimeUnit.SECONDS);
        assertEquals(List.of("after"), pollValues(consumer, 1));
      }
      assertTrue(Files.isDirectory(dir));
    }
    assertFalse(Files.exists(dir), "close deletes the log dir");
  }

  private static KafkaProducer<String, String> producer(String bootstrap) {
    return new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
        new StringSerializer(), new StringSerializer());
  }

  private static KafkaConsumer<String, String> consumer(String bootstrap) {
    return new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
        new StringDeserializer(), new StringDeserializer());
  }

  /** Polls until {@code count} records arrived or {@link #WAIT} passed. */
  private static List<String> pollValues(KafkaConsumer<String, String> consumer, int count) {
    List<String> values = new ArrayList<>();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (values.size() < count && System.nanoTime() < deadline) {
      for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
        values.add(record.value());
      }
    }
    return values;
  }
}
