package dev.tcs.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.catalogue.testing.BadInputs;
import dev.tcs.infra.Eventually;
import dev.tcs.catalogue.testing.Http;
import dev.tcs.catalogue.testing.Http.Answer;
import dev.tcs.catalogue.testing.TopicReader;
import dev.tcs.core.model.CatalogueEvent;
import dev.tcs.infra.EmbeddedDynamo;
import dev.tcs.infra.EmbeddedKafka;
import dev.tcs.infra.LocalInfraExtension;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Kafka stopped while writers write: writes keep succeeding, and every event arrives in order once it is back. */
@ExtendWith(LocalInfraExtension.class)
class KafkaOutageIT {
  private EmbeddedKafka kafka;
  private CatalogueHarness catalogue;

  @BeforeEach
  void start(EmbeddedDynamo dynamo) {
    kafka = EmbeddedKafka.start();
    catalogue = new CatalogueHarness(dynamo.endpoint(), kafka.bootstrapServers()).deploy();
  }

  @AfterEach
  void stop() {
    catalogue.close();
    kafka.close();
  }

  @Test
  void kafkaDownDuringWrites_writesSucceed_andEveryEventArrivesInOrderAfterRestart() {
    Http http = catalogue.http();
    for (int i = 0; i < 3; i++) {
      assertEquals(i == 0 ? 201 : 200, http.put("/v1/tenants/outage-a", BadInputs.document("outage-a").put("n", i)).status());
    }
    try (TopicReader reader = catalogue.reader()) {
      reader.readUntil(e -> TopicReader.hasAll(e, "outage-a", 3), Duration.ofSeconds(20));
    }

    kafka.stop();
    for (int i = 3; i < 8; i++) {
      long started = System.nanoTime();
      Answer answer = http.put("/v1/tenants/outage-a", BadInputs.document("outage-a").put("n", i));
      assertEquals(200, answer.status(), answer::toString);
      assertTrue(System.nanoTime() - started < Duration.ofSeconds(3).toNanos(), "a write waited for Kafka");
      assertEquals(201 + (i > 3 ? -1 : 0), http.put("/v1/tenants/outage-b", BadInputs.document("outage-b").put("n", i)).status());
    }
    assertEquals(8, http.get("/v1/tenants/outage-a").version());
    // Stay down until the relay has given up on an append (delivery timeout), so that the
    // catch-up sweep, not the producer's own retry, has to publish the backlog.
    Eventually.until(
        Duration.ofSeconds(30),
        () -> catalogue.registry.get(CatalogueMetrics.PUBLISH_FAILURES).counter().count() >= 1,
        () -> "no append failed while Kafka was down");
    kafka.restart();

    try (TopicReader reader = catalogue.reader()) {
      List<CatalogueEvent> events =
          reader.readUntil(e -> TopicReader.hasAll(e, "outage-a", 8) && TopicReader.hasAll(e, "outage-b", 5), Duration.ofSeconds(60));
      assertEquals(LongStream.rangeClosed(1, 8).boxed().toList(), TopicReader.firstSeen(events, "outage-a"));
      assertEquals(LongStream.rangeClosed(1, 5).boxed().toList(), TopicReader.firstSeen(events, "outage-b"));
    }
    // The outbox knows it too: each head is marked published up to its version, nothing waits.
    Eventually.until(
        Duration.ofSeconds(30),
        () -> catalogue.head("outage-a").publishedVersion() == 8 && catalogue.head("outage-b").publishedVersion() == 5,
        () -> "publishedVersion stayed at " + catalogue.head("outage-a").publishedVersion() + "/" + catalogue.head("outage-b").publishedVersion());
    Eventually.until(Duration.ofSeconds(10), () -> catalogue.backlog() == 0, () -> "outbox backlog stayed at " + catalogue.backlog());
  }
}
