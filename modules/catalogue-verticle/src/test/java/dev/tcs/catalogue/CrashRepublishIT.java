package dev.tcs.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tcs.catalogue.testing.BadInputs;
import dev.tcs.infra.Eventually;
import dev.tcs.catalogue.testing.Http;
import dev.tcs.catalogue.testing.TopicReader;
import dev.tcs.core.model.CatalogueEvent;
import dev.tcs.infra.FreePorts;
import dev.tcs.infra.LocalInfra;
import dev.tcs.infra.LocalInfraExtension;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Events committed by a catalogue that never published them go out when a catalogue starts again. */
@ExtendWith(LocalInfraExtension.class)
class CrashRepublishIT {
  private CatalogueHarness catalogue;

  @BeforeEach
  void create(LocalInfra infra) {
    catalogue = new CatalogueHarness(infra.dynamo().endpoint(), infra.kafka().bootstrapServers());
  }

  @AfterEach
  void close() {
    catalogue.close();
  }

  @Test
  void commitWithoutPublish_thenRestart_republishesEverything() {
    // Commit-then-die: the relay never runs, exactly as if the process died after each commit.
    JsonObject crashing = catalogue.configJson();
    crashing.getJsonObject("catalogue").put("relay-enabled", false);
    catalogue.deploy(crashing, catalogue.eventLog(catalogue.bootstrapServers));
    writeVersions(catalogue.http(), "crash-a", 3);
    writeVersions(catalogue.http(), "crash-b", 1);
    catalogue.crash();

    catalogue.deploy();

    try (TopicReader reader = catalogue.reader()) {
      List<CatalogueEvent> events =
          reader.readUntil(e -> TopicReader.hasAll(e, "crash-a", 3) && TopicReader.hasAll(e, "crash-b", 1), Duration.ofSeconds(30));
      assertEquals(List.of(1L, 2L, 3L), TopicReader.firstSeen(events, "crash-a"));
      assertEquals(List.of(1L), TopicReader.firstSeen(events, "crash-b"));
    }
    Eventually.until(
        Duration.ofSeconds(30),
        () -> catalogue.head("crash-a").publishedVersion() == 3 && catalogue.head("crash-b").publishedVersion() == 1,
        () -> "publishedVersion did not catch up: " + catalogue.head("crash-a").publishedVersion() + "/" + catalogue.head("crash-b").publishedVersion());
    Eventually.until(Duration.ofSeconds(10), () -> catalogue.backlog() == 0, () -> "outbox backlog stayed at " + catalogue.backlog());
  }

  @Test
  void kafkaUnreachableAtStart_apiComesUpAndWrites_thenRestartWithKafkaPublishes() throws Exception {
    String nowhere = "127.0.0.1:" + FreePorts.one();
    catalogue.deploy(catalogue.configJson(), catalogue.eventLog(nowhere));
    assertEquals(200, catalogue.http().as(null).get("/health/ready").status());
    writeVersions(catalogue.http(), "nowhere-a", 2);
    catalogue.crash();

    catalogue.deploy();

    try (TopicReader reader = catalogue.reader()) {
      List<CatalogueEvent> events = reader.readUntil(e -> TopicReader.hasAll(e, "nowhere-a", 2), Duration.ofSeconds(30));
      assertEquals(List.of(1L, 2L), TopicReader.firstSeen(events, "nowhere-a"));
    }
  }

  private static void writeVersions(Http http, String tenantId, int versions) {
    for (int i = 0; i < versions; i++) {
      assertEquals(i == 0 ? 201 : 200, http.put("/v1/tenants/" + tenantId, BadInputs.document(tenantId).put("n", i)).status());
    }
  }
}
