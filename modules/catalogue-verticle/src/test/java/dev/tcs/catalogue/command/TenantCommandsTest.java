package dev.tcs.catalogue.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.catalogue.CatalogueMetrics;
import dev.tcs.catalogue.store.Head;
import dev.tcs.catalogue.testing.BadInputs;
import dev.tcs.catalogue.testing.InMemoryEventStore;
import dev.tcs.core.http.HttpProblem;
import dev.tcs.core.model.CatalogueEvent;
import dev.tcs.core.model.EventType;
import dev.tcs.core.model.TenantContext;
import dev.tcs.core.model.ValidationException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The write rules over an in-memory store: versions, unchanged writes, retries, preconditions, hosts. */
class TenantCommandsTest {
  private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
  private static final Actor ALICE = new Actor("alice", "req-1");
  private static Vertx vertx;
  private InMemoryEventStore store;
  private List<CatalogueEvent> committed;
  private List<Head> committedOn;
  private TenantCommands commands;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    vertx.close().await();
  }

  @BeforeEach
  void setUp() {
    store = new InMemoryEventStore();
    committed = new ArrayList<>();
    committedOn = new ArrayList<>();
    commands =
        new TenantCommands(
            vertx,
            store,
            Clock.fixed(NOW, ZoneOffset.UTC),
            3,
            new CatalogueMetrics(new SimpleMeterRegistry()),
            (event, before) -> {
              committed.add(event);
              committedOn.add(before);
            });
  }

  @Test
  void put_newTenant_createsVersion1WithWriterAndRequestId() {
    WriteResult result = put("acme", BadInputs.document("acme", "acme.example.net"));

    assertEquals(Change.CREATED, result.change());
    assertEquals(1, result.head().version());
    CatalogueEvent event = store.allEvents("acme").get(0);
    assertEquals(EventType.CREATED, event.type());
    assertEquals("alice", event.writer());
    assertEquals("req-1", event.requestId());
    assertEquals(NOW, event.occurredAt());
    assertEquals(List.of(event), committed);
    assertNull(committedOn.get(0));
    assertEquals(Map.of("acme.example.net", "acme"), store.claims());
  }

  @Test
  void put_sameDocument_isUnchangedAndAppendsNothing() {
    put("acme", BadInputs.document("acme"));

    WriteResult again = put("acme", BadInputs.document("acme"));

    assertEquals(Change.UNCHANGED, again.change());
    assertEquals(1, again.head().version());
    assertEquals(1, store.appendAttempts());
    assertEquals(1, committed.size());
  }

  @Test
  void put_otherDocument_updatesToNextVersion() {
    put("acme", BadInputs.document("acme"));

    WriteResult result = put("acme", BadInputs.document("acme").put("plan", "gold"));

    assertEquals(Change.UPDATED, result.change());
    assertEquals(2, result.head().version());
    assertEquals("gold", result.head().document().getString("plan"));
  }

  @Test
  void put_afterDelete_createsAgainWithTheNextVersion() {
    put("acme", BadInputs.document("acme"));
    commands.delete("acme", Preconditions.NONE, ALICE).await();

    WriteResult result = put("acme", BadInputs.document("acme"));

    assertEquals(Change.CREATED, result.change());
    assertEquals(3, result.head().version());
  }

  @Test
  void put_lostRaceWithoutIfMatch_isRetriedOnTopOfTheWinner() {
    put("acme", BadInputs.document("acme"));
    store.failNextAppends(2);

    WriteResult result = put("acme", BadInputs.document("acme").put("plan", "gold"));

    assertEquals(2, result.head().version());
    assertEquals(4, store.appendAttempts());
  }

  @Test
  void put_lostEveryAttempt_returns409() {
    store.failNextAppends(100);

    HttpProblem problem = failure(commands.put("acme", TenantContext.of("acme", BadInputs.document("acme")), Preconditions.NONE, ALICE), HttpProblem.class);

    assertEquals(409, problem.status());
    assertEquals(3, store.appendAttempts());
    assertTrue(store.allEvents("acme").isEmpty());
  }

  @Test
  void put_ifMatchAfterAnotherWriterWon_returns412AndKeepsTheWinner() {
    put("acme", BadInputs.document("acme"));
    store.beforeNextAppend(() -> put("acme", BadInputs.document("acme").put("winner", true)));

    HttpProblem problem =
        failure(
            commands.put("acme", TenantContext.of("acme", BadInputs.document("acme").put("loser", true)), Preconditions.ifMatch(1), ALICE),
            HttpProblem.class);

    assertEquals(412, problem.status());
    List<CatalogueEvent> events = store.allEvents("acme");
    assertEquals(2, events.size());
    assertEquals(true, events.get(1).document().getBoolean("winner"));
  }

  @Test
  void put_hostOfAnotherTenant_returns409NamingTheHostIndex() {
    put("other", BadInputs.document("other", "taken.example.net"));

    HttpProblem problem =
        failure(
            commands.put("acme", TenantContext.of("acme", BadInputs.document("acme", "free.example.net", "taken.example.net")), Preconditions.NONE, ALICE),
            HttpProblem.class);

    assertEquals(409, problem.status());
    assertEquals("hosts[1]", problem.field());
    assertTrue(problem.detail().contains("taken.example.net"), problem.detail());
    assertNull(store.head("acme").result());
  }

  @Test
  void put_tooManyHosts_isRejectedNamingHosts() {
    String[] hosts = new String[33];
    for (int i = 0; i < hosts.length; i++) {
      hosts[i] = "h" + i + ".example.net";
    }
    ValidationException invalid =
        failure(commands.put("acme", TenantContext.of("acme", BadInputs.document("acme", hosts)), Preconditions.NONE, ALICE), ValidationException.class);
    assertEquals("hosts", invalid.field());
    assertEquals(0, store.appendAttempts());
  }

  @Test
  void patch_mergesIntoTheLiveDocument() {
    put("acme", BadInputs.document("acme", "a.example.net"));

    WriteResult result =
        commands.patch("acme", new JsonObject().put("plan", "gold").put("products", null).put("hosts", new JsonArray().add("b.example.net")), Preconditions.NONE, ALICE).await();

    assertEquals(Change.UPDATED, result.change());
    JsonObject document = result.head().document();
    assertEquals("gold", document.getString("plan"));
    assertTrue(!document.containsKey("products"));
    assertEquals("acme", document.getString("tenantId"));
    assertEquals(Map.of("b.example.net", "acme"), store.claims());
  }

  @Test
  void patch_thatChangesNothing_isUnchanged() {
    put("acme", BadInputs.document("acme"));

    WriteResult result = commands.patch("acme", new JsonObject().put("products", new JsonArray().add("jira")), Preconditions.NONE, ALICE).await();

    assertEquals(Change.UNCHANGED, result.change());
  }

  @Test
  void patch_removingTenantId_keepsItFromThePath() {
    put("acme", BadInputs.document("acme"));

    WriteResult result = commands.patch("acme", new JsonObject().put("tenantId", null), Preconditions.NONE, ALICE).await();

    assertEquals(Change.UNCHANGED, result.change());
  }

  @Test
  void patch_unknownOrDeletedTenant_returns404() {
    assertEquals(404, failure(commands.patch("acme", new JsonObject(), Preconditions.NONE, ALICE), HttpProblem.class).status());
    put("acme", BadInputs.document("acme"));
    commands.delete("acme", Preconditions.NONE, ALICE).await();
    assertEquals(404, failure(commands.patch("acme", new JsonObject(), Preconditions.NONE, ALICE), HttpProblem.class).status());
  }

  @Test
  void patch_givingAnInvalidDocument_isRejectedNamingTheField() {
    put("acme", BadInputs.document("acme"));

    ValidationException invalid = failure(commands.patch("acme", new JsonObject().put("hosts", new JsonArray().add("NOT VALID")), Preconditions.NONE, ALICE), ValidationException.class);

    assertEquals("hosts[0]", invalid.field());
    assertEquals(1, store.allEvents("acme").size());
  }

  @Test
  void delete_releasesHostsAndIsAnEvent() {
    put("acme", BadInputs.document("acme", "a.example.net"));

    WriteResult result = commands.delete("acme", Preconditions.NONE, ALICE).await();

    assertEquals(Change.DELETED, result.change());
    assertEquals(2, result.head().version());
    assertTrue(result.head().deleted());
    assertEquals(Map.of(), store.claims());
    assertTrue(store.allEvents("acme").get(1).isDeletion());
  }

  @Test
  void delete_twice_returns404() {
    put("acme", BadInputs.document("acme"));
    commands.delete("acme", Preconditions.NONE, ALICE).await();

    assertEquals(404, failure(commands.delete("acme", Preconditions.NONE, ALICE), HttpProblem.class).status());
  }

  @Test
  void restore_oldVersion_appendsRestoredWithItsDocument() {
    put("acme", BadInputs.document("acme").put("plan", "bronze"));
    put("acme", BadInputs.document("acme").put("plan", "gold"));

    WriteResult result = commands.restore("acme", 1, Preconditions.NONE, ALICE).await();

    assertEquals(Change.RESTORED, result.change());
    assertEquals(3, result.head().version());
    assertEquals("bronze", result.head().document().getString("plan"));
    assertEquals(EventType.RESTORED, store.allEvents("acme").get(2).type());
  }

  @Test
  void restore_deletedTenant_bringsItBackWithItsHosts() {
    put("acme", BadInputs.document("acme", "a.example.net"));
    commands.delete("acme", Preconditions.NONE, ALICE).await();

    WriteResult result = commands.restore("acme", 1, Preconditions.ifMatch(2), ALICE).await();

    assertEquals(Change.RESTORED, result.change());
    assertEquals(3, result.head().version());
    assertTrue(result.head().live());
    assertEquals(Map.of("a.example.net", "acme"), store.claims());
  }

  @Test
  void restore_currentContent_isUnchanged() {
    put("acme", BadInputs.document("acme"));

    assertEquals(Change.UNCHANGED, commands.restore("acme", 1, Preconditions.NONE, ALICE).await().change());
  }

  @Test
  void restore_versionOfADeletionOrMissing_isRejectedNamingVersion() {
    put("acme", BadInputs.document("acme"));
    commands.delete("acme", Preconditions.NONE, ALICE).await();

    assertEquals("version", failure(commands.restore("acme", 2, Preconditions.NONE, ALICE), ValidationException.class).field());
    assertEquals("version", failure(commands.restore("acme", 9, Preconditions.NONE, ALICE), ValidationException.class).field());
    assertEquals(404, failure(commands.restore("nobody", 1, Preconditions.NONE, ALICE), HttpProblem.class).status());
  }

  @Test
  void get_unknownTenant_returns404() {
    assertEquals(404, failure(commands.get("nobody"), HttpProblem.class).status());
  }

  @Test
  void put_afterOwnWrite_decidesOnTheRememberedHeadWithoutARead() {
    put("acme", BadInputs.document("acme"));
    int readsBefore = store.headReads();

    WriteResult result = put("acme", BadInputs.document("acme").put("plan", "gold"));

    assertEquals(2, result.head().version());
    assertEquals(readsBefore, store.headReads(), "the second write read the head");
    assertEquals(2, committedOn.get(1).version() + 1);
  }

  @Test
  void put_rememberedHeadMovedElsewhere_isAppliedOnTopOfTheNewHead() {
    put("acme", BadInputs.document("acme"));
    otherProcess().put("acme", TenantContext.of("acme", BadInputs.document("acme").put("plan", "silver")), Preconditions.NONE, ALICE).await();

    WriteResult result = put("acme", BadInputs.document("acme").put("plan", "gold"));

    assertEquals(3, result.head().version());
    assertEquals(List.of(1L, 2L, 3L), store.allEvents("acme").stream().map(CatalogueEvent::version).toList());
    assertEquals("gold", store.allEvents("acme").get(2).document().getString("plan"));
  }

  @Test
  void put_ifMatchOfAVersionWrittenElsewhere_holds() {
    put("acme", BadInputs.document("acme"));
    otherProcess().put("acme", TenantContext.of("acme", BadInputs.document("acme").put("plan", "silver")), Preconditions.NONE, ALICE).await();

    WriteResult result =
        commands.put("acme", TenantContext.of("acme", BadInputs.document("acme").put("plan", "gold")), Preconditions.ifMatch(2), ALICE).await();

    assertEquals(3, result.head().version());
  }

  @Test
  void put_ifMatchOfTheRememberedVersionAfterAWriteElsewhere_returns412() {
    put("acme", BadInputs.document("acme"));
    otherProcess().put("acme", TenantContext.of("acme", BadInputs.document("acme").put("plan", "silver")), Preconditions.NONE, ALICE).await();

    HttpProblem problem =
        failure(commands.put("acme", TenantContext.of("acme", BadInputs.document("acme").put("plan", "gold")), Preconditions.ifMatch(1), ALICE), HttpProblem.class);

    assertEquals(412, problem.status());
    assertEquals(2, store.allEvents("acme").size());
  }

  @Test
  void put_documentWrittenElsewhere_isUnchanged() {
    put("acme", BadInputs.document("acme"));
    otherProcess().put("acme", TenantContext.of("acme", BadInputs.document("acme").put("plan", "silver")), Preconditions.NONE, ALICE).await();

    WriteResult result = put("acme", BadInputs.document("acme").put("plan", "silver"));

    assertEquals(Change.UNCHANGED, result.change());
    assertEquals(2, store.allEvents("acme").size());
  }

  @Test
  void delete_tenantDeletedElsewhere_returns404WithoutAnEvent() {
    put("acme", BadInputs.document("acme"));
    otherProcess().delete("acme", Preconditions.NONE, ALICE).await();

    assertEquals(404, failure(commands.delete("acme", Preconditions.NONE, ALICE), HttpProblem.class).status());
    assertEquals(2, store.allEvents("acme").size());
  }

  /** Another catalogue process writing to the same store (its own remembered heads). */
  private TenantCommands otherProcess() {
    return new TenantCommands(vertx, store, Clock.fixed(NOW, ZoneOffset.UTC), 3, new CatalogueMetrics(new SimpleMeterRegistry()), (event, before) -> {});
  }

  private WriteResult put(String tenantId, JsonObject document) {
    return commands.put(tenantId, TenantContext.of(tenantId, document), Preconditions.NONE, ALICE).await();
  }

  private static <T extends Throwable> T failure(Future<?> future, Class<T> type) {
    Throwable cause = assertThrows(Throwable.class, future::await);
    return assertInstanceOf(type, cause);
  }
}
