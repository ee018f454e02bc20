package dev.tcs.projector;

import static dev.tcs.projector.Fixtures.event;
import static dev.tcs.projector.ItSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.log.LogRecord;
import dev.tcs.core.model.CatalogueEvent;
import dev.tcs.core.model.EventType;
import dev.tcs.infra.Eventually;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The rebuild's reader: newest record per tenant up to the ends, then what is appended, until closed. */
@ExtendWith(ProjectorHarness.PerTest.class)
class KafkaEventReplayIT {
  private static final Duration WAIT = ProjectorHarness.WAIT;

  private ProjectorHarness harness;
  private String topic;

  @BeforeEach
  void setUp(ProjectorHarness harness) throws Exception {
    this.harness = harness.withEventsTopic(2);
    topic = harness.eventsTopic();
  }

  @Test
  void start_recordsBeforeTheEnds_newestPerTenantAndUnpeekableThenAppended() throws Exception {
    harness.appendEvents(event("acme", 1, EventType.CREATED), event("globex", 1, EventType.CREATED), event("acme", 2, EventType.UPDATED));
    harness.append(topic, "initech", Buffer.buffer("{broken"));
    harness.appendEvents(event("acme", 3, EventType.UPDATED), event("globex", 2, EventType.UPDATED));
    Map<Integer, Long> ends = await(new KafkaEndPositions(harness.vertx, harness.settings).of(topic), WAIT);
    Recorder recorder = new Recorder();

    EventReplay.Reading reading = await(new KafkaEventReplay(harness.vertx, harness.settings).start(topic, ends, recorder), WAIT);

    List<EventReplay.Newest> newest = recorder.caughtUp.get(30, TimeUnit.SECONDS);
    Map<String, Long> versions = new TreeMap<>();
    newest.forEach(n -> versions.put(n.tenantId(), n.version()));
    assertEquals(Map.of("acme", 3L, "globex", 2L), versions);
    newest.forEach(n -> assertEquals(n.version(), CatalogueEvent.fromBuffer(n.record().value()).version(), "the record kept is the newest one"));
    assertEquals(List.of("{broken"), recorder.unpeekable.stream().map(r -> r.value().toString()).toList());
    assertEquals(6, reading.done());

    harness.appendEvents(event("acme", 4, EventType.UPDATED));
    Eventually.until(WAIT, "the record appended after the ends is handed over", () -> recorder.appended.size() == 1);
    assertEquals(4, CatalogueEvent.fromBuffer(recorder.appended.get(0).value()).version());

    await(reading.close(), WAIT); // completes once the reader thread has let go of the consumer
    assertTrue(recorder.failures.isEmpty(), recorder.failures.toString());
  }

  @Test
  void start_emptyPartitions_caughtUpAtOnce() throws Exception {
    Recorder recorder = new Recorder();

    EventReplay.Reading reading = await(new KafkaEventReplay(harness.vertx, harness.settings).start(topic, Map.of(0, 0L, 1, 0L), recorder), WAIT);

    assertEquals(List.of(), recorder.caughtUp.get(30, TimeUnit.SECONDS));
    await(reading.close(), WAIT);
  }

  /** Records what the reader hands over. */
  private static final class Recorder implements EventReplay.Listener {
    final CompletableFuture<List<EventReplay.Newest>> caughtUp = new CompletableFuture<>();
    final List<LogRecord> unpeekable = new CopyOnWriteArrayList<>();
    final List<LogRecord> appended = new CopyOnWriteArrayList<>();
    final List<Throwable> failures = new CopyOnWriteArrayList<>();

    @Override
    public Future<Void> unpeekable(List<LogRecord> records) {
      unpeekable.addAll(records);
      return Future.succeededFuture();
    }

    @Override
    public void caughtUp(List<EventReplay.Newest> newest) {
      caughtUp.complete(newest);
    }

    @Override
    public Future<Void> appended(List<LogRecord> records) {
      appended.addAll(records);
      return Future.succeededFuture();
    }

    @Override
    public void failed(Throwable cause) {
      failures.add(cause);
    }
  }

}
