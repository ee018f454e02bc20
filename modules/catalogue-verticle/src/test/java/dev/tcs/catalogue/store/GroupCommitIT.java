package dev.tcs.catalogue.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tcs.core.model.CatalogueEvent;
import dev.tcs.core.model.EventType;
import dev.tcs.infra.LocalInfra;
import dev.tcs.infra.LocalInfraExtension;
import dev.tcs.infra.TestNames;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Group commit on DynamoDB Local: one append transaction in flight at a time, so the appends
 * submitted while the first is in flight share the next transaction. Each test submits its
 * appends while holding the group commit's monitor, so that no transaction can complete (and take
 * the next group) before all of them wait: the grouping is exact, not timing-dependent.
 */
@ExtendWith(LocalInfraExtension.class)
class GroupCommitIT {
  private static EventStoreTable table;
  private static DynamoEventStore store;

  @BeforeAll
  static void createTable(LocalInfra infra) {
    table = EventStoreTable.create(infra, "tcs-catalogue-group", 16, 1);
    store = table.store;
  }

  @AfterAll
  static void close() {
    if (table != null) {
      table.close();
    }
  }

  @Test
  void append_differentTenantsWhileOneInFlight_commitTogetherInOneTransaction() {
    List<String> tenants = List.of(tenant(), tenant(), tenant(), tenant());
    long transactions = store.groupCommit().transactions();
    long grouped = store.groupCommit().groupedAppends();

    List<Future<Void>> appends = submitTogether(tenants.stream().<Supplier<Future<Void>>>map(t -> () -> store.append(null, created(t, t + ".example.net"))).toList());

    appends.forEach(f -> f.await());
    // The first went alone at once; the three that waited went in one transaction.
    assertEquals(2, store.groupCommit().transactions() - transactions);
    assertEquals(3, store.groupCommit().groupedAppends() - grouped);
    for (String tenant : tenants) {
      Head head = store.head(tenant).await();
      assertEquals(1, head.version());
      assertEquals(List.of(tenant + ".example.net"), head.hosts());
    }
  }

  @Test
  void append_oneMemberConflicts_failsOnlyThatMemberWithItsOwnError_othersCommit() {
    String existing = tenant();
    String host = existing + ".example.net";
    store.append(null, created(existing, host)).await();
    String first = tenant();
    String before = tenant();
    String thief = tenant();
    String after = tenant();
    long transactions = store.groupCommit().transactions();

    List<Future<Void>> appends =
        submitTogether(
            List.of(
                () -> store.append(null, created(first)),
                () -> store.append(null, created(before)),
                // version 1 of a tenant that has it: the event exists and the head moved
                () -> store.append(null, created(existing)),
                // a host another tenant holds
                () -> store.append(null, created(thief, host)),
                () -> store.append(null, created(after))));

    appends.get(0).await();
    appends.get(1).await();
    assertInstanceOf(VersionConflictException.class, assertThrows(Throwable.class, appends.get(2)::await));
    HostConflictException taken = assertInstanceOf(HostConflictException.class, assertThrows(Throwable.class, appends.get(3)::await));
    assertEquals(host, taken.host());
    assertEquals(existing, taken.owner());
    appends.get(4).await();
    // first alone; the other four together (cancelled); the two innocent members again, together.
    assertEquals(3, store.groupCommit().transactions() - transactions);
    assertEquals(1, store.head(before).await().version());
    assertEquals(1, store.head(after).await().version());
    assertEquals(1, store.head(existing).await().version());
    assertNull(store.head(thief).await(), "a failed member wrote nothing");
  }

  @Test
  void append_twoAppendsClaimingOneHost_neverShareATransaction() {
    String first = tenant();
    String claimant = tenant();
    String rival = tenant();
    String other = tenant();
    String host = claimant + ".example.net";
    long transactions = store.groupCommit().transactions();
    long grouped = store.groupCommit().groupedAppends();

    List<Future<Void>> appends =
        submitTogether(
            List.of(
                () -> store.append(null, created(first)),
                () -> store.append(null, created(claimant, host)),
                () -> store.append(null, created(rival, host)),
                () -> store.append(null, created(other))));

    appends.get(0).await();
    appends.get(1).await();
    appends.get(3).await();
    HostConflictException taken = assertInstanceOf(HostConflictException.class, assertThrows(Throwable.class, appends.get(2)::await));
    assertEquals(claimant, taken.owner());
    // first alone; claimant with other; rival after them, alone. (DynamoDB rejects a transaction
    // naming one item twice; DynamoDB Local instead fails the second claim, which would have made
    // three grouped transactions' worth of members: claimant, rival, other, then claimant, other.)
    assertEquals(3, store.groupCommit().transactions() - transactions);
    assertEquals(2, store.groupCommit().groupedAppends() - grouped);
    assertNull(store.head(rival).await());
  }

  @Test
  void append_sameTenantTwiceWhileWaiting_secondGoesLaterInOrder() {
    String first = tenant();
    String tenant = tenant();
    CatalogueEvent one = created(tenant);
    Head afterOne = new Head(tenant, 1, false, one.document(), List.of(), one.occurredAt(), 0);
    long transactions = store.groupCommit().transactions();

    List<Future<Void>> appends =
        submitTogether(
            List.of(
                () -> store.append(null, created(first)),
                () -> store.append(null, one),
                () -> store.append(afterOne, updated(tenant, 2))));

    appends.forEach(f -> f.await());
    assertEquals(3, store.groupCommit().transactions() - transactions);
    assertEquals(2, store.head(tenant).await().version());
  }

  /** Submits the appends while no transaction can complete, so all but the first wait together. */
  private static List<Future<Void>> submitTogether(List<Supplier<Future<Void>>> appends) {
    List<Future<Void>> futures = new ArrayList<>();
    synchronized (store.groupCommit()) {
      appends.forEach(append -> futures.add(append.get()));
    }
    return futures;
  }

  private static String tenant() {
    return TestNames.unique("group");
  }

  private static CatalogueEvent created(String tenant, String... hosts) {
    return event(tenant, 1, EventType.CREATED, hosts);
  }

  private static CatalogueEvent updated(String tenant, long version) {
    return event(tenant, version, EventType.UPDATED);
  }

  private static CatalogueEvent event(String tenant, long version, EventType type, String... hosts) {
    JsonObject document = new JsonObject().put("tenantId", tenant).put("hosts", new JsonArray(List.of(hosts))).put("products", new JsonArray().add("v" + version));
    return new CatalogueEvent(
        UUID.randomUUID().toString(), tenant, version, type, Instant.now().truncatedTo(ChronoUnit.MILLIS), document, "group-test", "req-" + version);
  }
}
