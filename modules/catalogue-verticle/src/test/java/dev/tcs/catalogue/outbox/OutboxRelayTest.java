package dev.tcs.catalogue.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.catalogue.CatalogueMetrics;
import dev.tcs.catalogue.command.Actor;
import dev.tcs.catalogue.command.Preconditions;
import dev.tcs.catalogue.command.TenantCommands;
import dev.tcs.catalogue.command.WriteResult;
import dev.tcs.catalogue.testing.BadInputs;
import dev.tcs.infra.Eventually;
import dev.tcs.catalogue.testing.FakeEventLog;
import dev.tcs.catalogue.testing.InMemoryEventStore;
import dev.tcs.core.model.TenantContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The outbox relay over an in-memory store and event log: order, outages, crashes, backlog. */
class OutboxRelayTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private Vertx vertx;
  private Context context;
  private InMemoryEventStore store;
  private FakeEventLog log;
  private SimpleMeterRegistry registry;
  private CatalogueMetrics metrics;
  private OutboxRelay relay;
  private TenantCommands commands;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    store = new InMemoryEventStore();
    log = new FakeEventLog();
    registry = new SimpleMeterRegistry();
    metrics = new CatalogueMetrics(registry);
    // A sweep only when a test asks for one.
    relay = new OutboxRelay(vertx, store, log, "events", 4, Duration.ofHours(1), 4, Duration.ZERO, Duration.ZERO, metrics, Clock.systemUTC());
    commands = new TenantCommands(vertx, store, Clock.systemUTC(), 3, metrics, relay::nudge);
  }

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  @Test
  void nudge_afterEachCommit_publishesEveryVersionInOrder() {
    onContext(relay::start);
    for (int i = 0; i < 5; i++) {
      put("acme", i);
      put("beta", i);
    }

    Eventually.until(WAIT, () -> log.versions("acme").size() == 5 && log.versions("beta").size() == 5, () -> log.accepted().toString());
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), log.versions("acme"));
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), log.versions("beta"));
    Eventually.until(WAIT, () -> store.head("acme").result().publishedVersion() == 5, () -> "acme not marked published");
    assertTrue(store.pending(null, 10).result().items().stream().noneMatch(p -> p.tenantId().equals("acme")));
  }

  @Test
  void commitsOfOneTenant_publishedWithoutStoreReads_andMarkedOnceAfterTheDelay() {
    relay = new OutboxRelay(vertx, store, log, "events", 4, Duration.ofHours(1), 4, Duration.ofSeconds(2), Duration.ZERO, metrics, Clock.systemUTC());
    commands = new TenantCommands(vertx, store, Clock.systemUTC(), 3, metrics, relay::nudge);
    onContext(relay::start);
    Eventually.until(WAIT, () -> log.topicsEnsured() == 1, () -> "topic not ensured");
    for (int i = 0; i < 5; i++) {
      put("acme", i);
    }

    Eventually.until(WAIT, () -> log.versions("acme").size() == 5, () -> log.accepted().toString());
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), log.versions("acme"));
    assertEquals(0, store.eventReads(), "the relay read events although every commit was nudged");
    Eventually.until(WAIT, () -> store.head("acme").result().publishedVersion() == 5, () -> "acme not marked published");
    assertTrue(store.marks() < 5, "one mark per version: " + store.marks());
    assertTrue(store.pending(null, 10).result().items().isEmpty());
  }

  @Test
  void publishLinger_commitsWaitForTheTick_thenEveryTenantPublishedInOrder() {
    // A linger no test outlives: only the tick this test runs publishes.
    relay = new OutboxRelay(vertx, store, log, "events", 4, Duration.ofHours(1), 4, Duration.ZERO, Duration.ofHours(1), metrics, Clock.systemUTC());
    commands = new TenantCommands(vertx, store, Clock.systemUTC(), 3, metrics, relay::nudge);
    onContext(relay::start);
    Eventually.until(WAIT, () -> log.topicsEnsured() == 1, () -> "topic not ensured");
    for (int i = 0; i < 3; i++) {
      put("acme", i);
      put("beta", i);
    }
    assertEquals(List.of(), log.accepted(), "published before the tick");

    onContext(() -> {
      relay.tick();
      return Future.succeededFuture();
    });

    Eventually.until(WAIT, () -> log.versions("acme").size() == 3 && log.versions("beta").size() == 3, () -> log.accepted().toString());
    assertEquals(List.of(1L, 2L, 3L), log.versions("acme"));
    assertEquals(List.of(1L, 2L, 3L), log.versions("beta"));
    assertEquals(0, store.eventReads(), "the relay read events although every commit was nudged");
    Eventually.until(WAIT, () -> store.head("beta").result().publishedVersion() == 3, () -> "beta not marked published");
  }

  /**
   * Regression (KafkaOutageIT once saw {@code [1, 2, 3, 5, 4, ...]} with a 25 ms linger): an
   * append fails while the flight's next commit waits for the tick, and the flight still records
   * what it had acked when the tick comes. The failed flight must not publish its queue: the
   * sweep republishes from the failed version on, so anything published meanwhile lands ahead of it.
   */
  @Test
  void publishFails_whileACommitWaitsForTheTick_theFailedFlightPublishesNothingMore() {
    // The mark waits an hour, so the flight holds an acked version it has not recorded yet.
    relay = new OutboxRelay(vertx, store, log, "events", 4, Duration.ofHours(1), 4, Duration.ofHours(1), Duration.ofHours(1), metrics, Clock.systemUTC());
    commands = new TenantCommands(vertx, store, Clock.systemUTC(), 3, metrics, relay::nudge);
    onContext(relay::start);
    Eventually.until(WAIT, () -> log.topicsEnsured() == 1, () -> "topic not ensured");
    put("acme", 1);
    tick();
    Eventually.until(WAIT, () -> log.versions("acme").equals(List.of(1L)), () -> log.accepted().toString());

    log.hold(true);
    put("acme", 2);
    tick(); // version 2 is handed to the log, unanswered
    put("acme", 3); // version 3 queues behind it and waits for the next tick
    store.holdMarks(true); // the failed flight's record of version 1 stays in flight
    log.down(true);
    log.answerHeld(); // version 2 fails
    Eventually.until(WAIT, () -> registry.get(CatalogueMetrics.PUBLISH_FAILURES).counter().count() == 1, () -> "append did not fail");
    log.down(false);
    log.hold(false);
    tick(); // the tick version 3's commit asked for
    store.holdMarks(false);
    store.releaseMarks();
    onContext(() -> sweep());

    Eventually.until(WAIT, () -> log.versions("acme").containsAll(List.of(2L, 3L)), () -> log.accepted().toString());
    assertEquals(List.of(1L, 2L, 3L), log.versions("acme").stream().distinct().toList(), "first appearance of each version");
    Eventually.until(WAIT, () -> store.head("acme").result().publishedVersion() == 3, () -> "acme not marked published");
  }

  /**
   * Regression (KafkaOutageIT saw {@code [1, 2, 3, 5, 6, 7, 8, 4]}, the append of 4 having failed
   * with "not present in metadata after 5000 ms"): a producer can fail one record before accepting
   * it and accept the next, so versions handed to the log together can land without the first.
   */
  @Test
  void firstOfABatchFailsBeforeTheProducerTookIt_laterVersionsOfTheBatchAreNotPublishedAheadOfIt() {
    relay = new OutboxRelay(vertx, store, log, "events", 4, Duration.ofHours(1), 4, Duration.ZERO, Duration.ofHours(1), metrics, Clock.systemUTC());
    commands = new TenantCommands(vertx, store, Clock.systemUTC(), 3, metrics, relay::nudge);
    onContext(relay::start);
    Eventually.until(WAIT, () -> log.topicsEnsured() == 1, () -> "topic not ensured");
    put("acme", 1);
    tick();
    Eventually.until(WAIT, () -> log.versions("acme").equals(List.of(1L)), () -> log.accepted().toString());

    log.hold(true);
    put("acme", 2);
    put("acme", 3); // the same publication window: one batch, versions 2 and 3
    tick();
    log.failFirstHeld(); // 2 fails before the producer took it; anything handed with it is accepted
    Eventually.until(WAIT, () -> registry.get(CatalogueMetrics.PUBLISH_FAILURES).counter().count() == 1, () -> "append did not fail");
    log.hold(false);
    onContext(() -> sweep());

    Eventually.until(WAIT, () -> log.versions("acme").containsAll(List.of(2L, 3L)), () -> log.accepted().toString());
    assertEquals(List.of(1L, 2L, 3L), log.versions("acme").stream().distinct().toList(), "first appearance of each version");
  }

  @Test
  void logDownDuringWrites_writesSucceed_andSweepPublishesInOrderOnceBack() {
    onContext(relay::start);
    Eventually.until(WAIT, () -> log.topicsEnsured() == 1, () -> "topic not ensured");
    log.down(true);
    for (int i = 0; i < 4; i++) {
      put("acme", i);
    }
    assertEquals(4, store.head("acme").result().version());
    onContext(() -> sweep());
    Eventually.until(WAIT, () -> registry.get(CatalogueMetrics.BACKLOG).gauge().value() == 1.0, () -> "backlog not reported");

    log.down(false);
    onContext(() -> sweep());

    Eventually.until(WAIT, () -> log.versions("acme").size() >= 4, () -> log.accepted().toString());
    assertEquals(List.of(1L, 2L, 3L, 4L), log.versions("acme"));
    Eventually.until(WAIT, () -> !store.head("acme").result().unpublished(), () -> "acme still unpublished");
    assertTrue(registry.get(CatalogueMetrics.PUBLISH_FAILURES).counter().count() >= 1);
  }

  @Test
  void logRecovers_commitsMadeWhileTheProbeRan_arePublishedWithoutWaitingForTheNextSweep() {
    onContext(relay::start); // sweeps every hour: only the ones the relay starts itself run
    Eventually.until(WAIT, () -> log.topicsEnsured() == 1, () -> "topic not ensured");
    log.down(true);
    put("acme", 0);
    Eventually.until(WAIT, () -> registry.get(CatalogueMetrics.PUBLISH_FAILURES).counter().count() >= 1, () -> "append did not fail");

    log.down(false);
    log.hold(true);
    onContext(() -> sweep()); // lists acme and probes the log with it; the probe waits
    Eventually.until(WAIT, () -> log.heldCount() == 1, () -> "the sweep's probe was not sent");
    put("beta", 0); // committed while the log still counts as failing: not nudged, not listed
    log.hold(false);
    log.answerHeld();

    Eventually.until(WAIT, () -> log.versions("beta").equals(List.of(1L)), () -> log.accepted().toString());
    assertEquals(List.of(1L), log.versions("acme"));
  }

  @Test
  void logRecovers_tenantCommittedWhileItsFlightWaited_isCaughtUpByThatFlight_withoutASweep() {
    onContext(relay::start); // sweeps every hour: only the ones the relay starts itself run
    Eventually.until(WAIT, () -> log.topicsEnsured() == 1, () -> "topic not ensured");
    log.hold(true);
    put("acme", 0); // its flight waits for the producer, as when the broker goes away mid-send
    put("beta", 0);
    Eventually.until(WAIT, () -> log.heldCount() == 2, () -> "appends not sent");
    log.failHeld("beta"); // the log counts as failing from here
    Eventually.until(WAIT, () -> registry.get(CatalogueMetrics.PUBLISH_FAILURES).counter().count() >= 1, () -> "append did not fail");
    put("acme", 1); // committed while the log fails: not acted on, remembered
    // Every mark now waits, so a sweep (which records marks as it goes) cannot finish and sweep again.
    store.holdMarks(true);

    log.hold(false);
    log.answerHeld();

    Eventually.until(WAIT, () -> log.versions("acme").equals(List.of(1L, 2L)), () -> log.accepted().toString());
    store.holdMarks(false);
    store.releaseMarks();
    Eventually.until(WAIT, () -> store.head("acme").result().publishedVersion() == 2, () -> "acme not marked published");
  }

  @Test
  void commitsNobodyPublished_arePublishedWhenTheRelayStarts() {
    TenantCommands withoutRelay = new TenantCommands(vertx, store, Clock.systemUTC(), 3, metrics, (event, before) -> {});
    for (int i = 0; i < 3; i++) {
      int n = i;
      onContext(() -> withoutRelay.put("acme", TenantContext.of("acme", BadInputs.document("acme").put("n", n)), Preconditions.NONE, new Actor("ops", "r")));
    }

    onContext(relay::start);

    Eventually.until(WAIT, () -> log.versions("acme").size() == 3, () -> log.accepted().toString());
    assertEquals(List.of(1L, 2L, 3L), log.versions("acme"));
  }

  @Test
  void topicCreationFailing_isRetried_andNothingIsPublishedBefore() {
    log.failTopicCreation(1);
    onContext(relay::start);
    put("acme", 0);
    assertEquals(List.of(), log.versions("acme"));

    Eventually.until(WAIT, () -> log.topicsEnsured() == 1, () -> "topic creation not retried");
    Eventually.until(WAIT, () -> log.versions("acme").equals(List.of(1L)), () -> log.accepted().toString());
  }

  private void tick() {
    onContext(() -> {
      relay.tick();
      return Future.succeededFuture();
    });
  }

  private Future<Void> sweep() {
    relay.sweep();
    return Future.succeededFuture();
  }

  private WriteResult put(String tenantId, int n) {
    return onContext(
        () -> commands.put(tenantId, TenantContext.of(tenantId, BadInputs.document(tenantId).put("n", n)), Preconditions.NONE, new Actor("ops", "r")));
  }

  private <T> T onContext(Supplier<Future<T>> action) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(promise));
    return promise.future().await();
  }
}
