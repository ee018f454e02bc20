package dev.tcs.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.catalogue.testing.BadInputs;
import dev.tcs.catalogue.testing.DiesAfterAck;
import dev.tcs.infra.Eventually;
import dev.tcs.catalogue.testing.Http;
import dev.tcs.catalogue.testing.TopicReader;
import dev.tcs.core.model.CatalogueEvent;
import dev.tcs.infra.LocalInfra;
import dev.tcs.infra.LocalInfraExtension;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The catalogue dies after Kafka acked an event but before the outbox marked it published. After a
 * restart nothing is missing, each event is on the topic at most twice, and the head's
 * {@code publishedVersion} catches up so the backlog empties.
 */
@ExtendWith(LocalInfraExtension.class)
class OutboxCrashAfterAckIT {
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
  void sweepDiesAfterAckBeforeMark_restart_noGapBoundedDuplicatesAndPublishedVersionCatchesUp() throws Exception {
    // Five committed, unpublished events (a catalogue whose relay never ran).
    JsonObject noRelay = catalogue.configJson();
    noRelay.getJsonObject("catalogue").put("relay-enabled", false);
    catalogue.deploy(noRelay, catalogue.eventLog(catalogue.bootstrapServers));
    writeVersions(catalogue.http(), "ack-sweep", 5);
    catalogue.crash();

    // The sweep publishes 1..4, then 5 is acked and the process dies before the mark.
    DiesAfterAck dying = new DiesAfterAck(catalogue.eventLog(catalogue.bootstrapServers), "ack-sweep", 5);
    catalogue.deploy(catalogue.configJson(), dying);
    dying.awaitAck(30);
    try (TopicReader reader = catalogue.reader()) {
      reader.readUntil(e -> TopicReader.hasAll(e, "ack-sweep", 5), Duration.ofSeconds(30));
    }
    assertEquals(0, catalogue.head("ack-sweep").publishedVersion(), "the mark ran although the process died before it");
    catalogue.crash();

    catalogue.deploy();
    awaitCaughtUp("ack-sweep", 5);
    assertTopicHas("ack-sweep", 5);
  }

  @Test
  void nudgeDiesAfterAckBeforeMark_restart_noGapBoundedDuplicatesAndPublishedVersionCatchesUp() throws Exception {
    // Live writes: version 1 goes out and is marked; version 2 is acked and the process dies
    // before the mark; version 3 is committed behind it and never appended.
    DiesAfterAck dying = new DiesAfterAck(catalogue.eventLog(catalogue.bootstrapServers), "ack-nudge", 2);
    catalogue.deploy(catalogue.configJson(), dying);
    writeVersions(catalogue.http(), "ack-nudge", 1);
    Eventually.until(
        Duration.ofSeconds(30), () -> catalogue.head("ack-nudge").publishedVersion() == 1, () -> "version 1 was never marked published");
    writeVersionsFrom(catalogue.http(), "ack-nudge", 1, 3);
    dying.awaitAck(30);
    assertEquals(1, catalogue.head("ack-nudge").publishedVersion());
    catalogue.crash();

    catalogue.deploy();
    awaitCaughtUp("ack-nudge", 3);
    assertTopicHas("ack-nudge", 3);

    // Publication carries on normally after the recovery: the next write goes out once.
    writeVersionsFrom(catalogue.http(), "ack-nudge", 3, 4);
    awaitCaughtUp("ack-nudge", 4);
    try (TopicReader reader = catalogue.reader()) {
      List<CatalogueEvent> events = reader.readUntil(e -> TopicReader.hasAll(e, "ack-nudge", 4), Duration.ofSeconds(30));
      assertEquals(1, Collections.frequency(TopicReader.versions(events, "ack-nudge"), 4L), events::toString);
    }
  }

  /** Head's publishedVersion reaches {@code version} and the outbox backlog gauge reads 0. */
  private void awaitCaughtUp(String tenantId, long version) {
    Eventually.until(
        Duration.ofSeconds(30),
        () -> catalogue.head(tenantId).publishedVersion() == version,
        () -> "publishedVersion of " + tenantId + " stayed at " + catalogue.head(tenantId).publishedVersion() + ", not " + version);
    Eventually.until(Duration.ofSeconds(10), () -> catalogue.backlog() == 0, () -> "outbox backlog stayed at " + catalogue.backlog());
  }

  /** Every version 1..n first seen in order, none more than twice (one crash = one republish at most). */
  private void assertTopicHas(String tenantId, long n) {
    try (TopicReader reader = catalogue.reader()) {
      List<CatalogueEvent> events = reader.readUntil(e -> TopicReader.hasAll(e, tenantId, n), Duration.ofSeconds(30));
      List<Long> versions = TopicReader.versions(events, tenantId);
      assertEquals(LongStream.rangeClosed(1, n).boxed().toList(), TopicReader.firstSeen(events, tenantId), versions::toString);
      for (long v = 1; v <= n; v++) {
        int copies = Collections.frequency(versions, v);
        assertTrue(copies <= 2, "version " + v + " is on the topic " + copies + " times: " + versions);
      }
    }
  }

  private static void writeVersions(Http http, String tenantId, int versions) {
    writeVersionsFrom(http, tenantId, 0, versions);
  }

  /** Writes versions {@code from + 1 .. to}. */
  private static void writeVersionsFrom(Http http, String tenantId, int from, int to) {
    for (int i = from; i < to; i++) {
      assertEquals(i == 0 ? 201 : 200, http.put("/v1/tenants/" + tenantId, BadInputs.document(tenantId).put("n", i)).status());
    }
  }
}
