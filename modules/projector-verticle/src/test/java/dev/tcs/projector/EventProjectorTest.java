package dev.tcs.projector;

import static dev.tcs.projector.Fixtures.created;
import static dev.tcs.projector.Fixtures.definitions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.log.LogRecord;
import dev.tcs.core.model.CatalogueEvent;
import dev.tcs.core.model.View;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventProjectorTest {
  private static final String VIEWS = "views";
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final RecordingEventLog eventLog = new RecordingEventLog();
  private final Clock clock = Clock.fixed(Fixtures.T0.plusSeconds(1).plusMillis(250), ZoneOffset.UTC);
  private final EventProjector projector =
      new EventProjector(definitions(2), eventLog, VIEWS, ProjectorMetrics.live(registry), clock);
  private long offset;

  @Test
  void handle_validEvent_appendsViewsKeyedByTenantInConsumerOrder() {
    Future<Void> handled = projector.handle(record("acme", created("acme").toBuffer()));

    assertTrue(handled.succeeded());
    assertEquals(2, eventLog.appended.size());
    List<View> views = eventLog.appended.stream().map(a -> View.fromJson(a.value().toJsonObject())).toList();
    assertEquals(List.of("jira", "network-ingress"), views.stream().map(View::consumer).toList());
    eventLog.appended.forEach(
        appended -> {
          assertEquals(VIEWS, appended.topic());
          assertEquals("acme", appended.key());
        });
    assertEquals(Projection.viewsOf(created("acme"), definitions(2)), views);
    assertEquals(1.0, count("live", "projected"));
    assertEquals(2.0, registry.get(ProjectorMetrics.VIEWS_PUBLISHED).counter().count());
  }

  @Test
  void handleBatch_poisonInTheMiddle_skippedCountedAndEverythingAfterApplied() {
    Future<Void> handled =
        projector.handle(
            List.of(
                record("acme", created("acme").toBuffer()),
                record("acme", Buffer.buffer("{not json")),
                record("globex", new JsonObject().put("tenantId", "globex").put("version", 1).toBuffer()),
                record("globex", created("globex").toBuffer())));

    assertTrue(handled.succeeded());
    assertEquals(2.0, count("live", "rejected"));
    assertEquals(2.0, count("live", "projected"));
    assertEquals(List.of("acme", "acme", "globex", "globex"), eventLog.appended.stream().map(RecordingEventLog.Appended::key).toList());
  }

  @Test
  void handleBatch_severalVersionsOfOneTenant_onlyNewestViewPerConsumerAppended() {
    Future<Void> handled =
        projector.handle(
            List.of(
                record("acme", Fixtures.event("acme", 1, dev.tcs.core.model.EventType.CREATED).toBuffer()),
                record("acme", Fixtures.event("acme", 2, dev.tcs.core.model.EventType.UPDATED).toBuffer()),
                record("acme", Fixtures.event("acme", 3, dev.tcs.core.model.EventType.UPDATED).toBuffer())));

    assertTrue(handled.succeeded());
    List<View> views = eventLog.appended.stream().map(a -> View.fromJson(a.value().toJsonObject())).toList();
    assertEquals(List.of(3L, 3L), views.stream().map(View::version).toList());
    assertEquals(3.0, count("live", "projected"), "every event counts as projected");
  }

  @Test
  void handle_validEvent_recordsLagSinceOccurred() {
    CatalogueEvent event = created("acme"); // occurred at T0 + 1 s; the clock says T0 + 1.25 s

    projector.handle(record("acme", event.toBuffer()));

    Timer lag = registry.get(ProjectorMetrics.LAG).timer();
    assertEquals(1, lag.count());
    assertEquals(250.0, lag.totalTime(TimeUnit.MILLISECONDS), 0.001);
  }

  @Test
  void handle_notJson_skippedAndCounted() {
    Future<Void> handled = projector.handle(record("acme", Buffer.buffer("password=hunter2 {not json")));

    assertTrue(handled.succeeded(), "a bad record is answered with success so the log moves on");
    assertEquals(0, eventLog.appended.size());
    assertEquals(1.0, count("live", "rejected"));
    assertEquals(0.0, count("live", "projected"));
    assertEquals(1, projector.rejected());
  }

  @Test
  void handle_invalidEvent_skippedAndCounted() {
    JsonObject invalid = created("acme").toJson().put("version", 0);

    Future<Void> handled = projector.handle(record("acme", invalid.toBuffer()));

    assertTrue(handled.succeeded());
    assertEquals(0, eventLog.appended.size());
    assertEquals(1.0, count("live", "rejected"));
  }

  @Test
  void handle_emptyRecord_skippedAndCounted() {
    assertTrue(projector.handle(record("acme", null)).succeeded());
    assertEquals(1.0, count("live", "rejected"));
  }

  @Test
  void handle_appendFails_failsSoTheLogRetries() {
    eventLog.failAfter = 1; // the first view is appended, the second is not

    Future<Void> handled = projector.handle(record("acme", created("acme").toBuffer()));

    assertTrue(handled.failed());
    assertEquals(1, eventLog.appended.size());
    assertEquals(0.0, count("live", "projected"));
    assertEquals(0.0, count("live", "rejected"));
  }

  @Test
  void handle_retriedAfterAppendFailure_appendsTheSameViewsAgain() {
    eventLog.failAfter = 1;
    Buffer value = created("acme").toBuffer();
    projector.handle(record("acme", value));
    eventLog.failAfter = -1;

    assertTrue(projector.handle(record("acme", value)).succeeded());

    assertEquals(3, eventLog.appended.size());
    assertEquals(eventLog.appended.get(0), eventLog.appended.get(1));
    assertEquals(1.0, count("live", "projected"));
  }

  @Test
  void handle_rebuildSource_countedUnderRebuildWithoutLag() {
    EventProjector rebuild = new EventProjector(definitions(2), eventLog, VIEWS, ProjectorMetrics.rebuild(registry), clock);

    rebuild.handle(record("acme", created("acme").toBuffer()));

    assertEquals(1.0, count("rebuild", "projected"));
    assertEquals(2.0, registry.get(ProjectorMetrics.VIEWS_PUBLISHED).tag("source", "rebuild").counter().count());
    assertTrue(registry.find(ProjectorMetrics.LAG).tag("source", "rebuild").timers().isEmpty());
  }

  private double count(String source, String outcome) {
    return registry.get(ProjectorMetrics.RECORDS).tag("source", source).tag("outcome", outcome).counter().count();
  }

  private LogRecord record(String key, Buffer value) {
    return new LogRecord("events", 0, offset++, key, value, 0);
  }
}
