package dev.tcs.catalogue.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.model.CatalogueEvent;
import dev.tcs.core.model.EventType;
import dev.tcs.infra.Eventually;
import dev.tcs.infra.TestNames;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link EventStore} must do, run against each implementation (in memory for unit
 * tests, DynamoDB for the catalogue): a subclass supplies a fresh, empty store.
 */
abstract class EventStoreContract {
  private static final Duration INDEX_WAIT = Duration.ofSeconds(10);

  /** A new, empty store. */
  protected abstract EventStore store();

  @Test
  void append_firstEvent_headAndEventReadBack() {
    EventStore store = store();
    String tenant = tenant();
    CatalogueEvent created = event(tenant, 1, EventType.CREATED, tenant + ".example.net");

    await(store.append(null, created));

    Head head = await(store.head(tenant));
    assertEquals(1, head.version());
    assertEquals(List.of(tenant + ".example.net"), head.hosts());
    assertTrue(head.unpublished());
    assertEquals(created, await(store.event(tenant, 1)));
    assertNull(await(store.event(tenant, 2)));
    assertNull(await(store.head(tenant("never"))));
  }

  @Test
  void append_onStaleHead_failsWithVersionConflictAndWritesNothing() {
    EventStore store = store();
    String tenant = tenant();
    await(store.append(null, event(tenant, 1, EventType.CREATED)));
    Head first = await(store.head(tenant));
    await(store.append(first, event(tenant, 2, EventType.UPDATED)));

    Throwable conflict = failure(store.append(first, event(tenant, 2, EventType.UPDATED)));
    Throwable again = failure(store.append(null, event(tenant, 1, EventType.CREATED)));

    assertInstanceOf(VersionConflictException.class, conflict);
    assertInstanceOf(VersionConflictException.class, again);
    assertEquals(2, await(store.head(tenant)).version());
  }

  @Test
  void append_hostOfAnotherTenant_failsWithHostConflict_andADroppedHostIsFreeAgain() {
    EventStore store = store();
    String owner = tenant();
    String other = tenant();
    String host = owner + ".example.net";
    await(store.append(null, event(owner, 1, EventType.CREATED, host)));

    HostConflictException taken = assertInstanceOf(HostConflictException.class, failure(store.append(null, event(other, 1, EventType.CREATED, host))));
    assertEquals(host, taken.host());
    assertNull(await(store.head(other)), "a failed append wrote nothing");

    await(store.append(await(store.head(owner)), event(owner, 2, EventType.UPDATED)));
    await(store.append(null, event(other, 1, EventType.CREATED, host)));
    assertEquals(List.of(host), await(store.head(other)).hosts());
  }

  @Test
  void historyAndEvents_pageNewestFirst_rangeOldestFirst() {
    EventStore store = store();
    String tenant = tenant();
    Head head = null;
    for (int version = 1; version <= 5; version++) {
      await(store.append(head, event(tenant, version, version == 1 ? EventType.CREATED : EventType.UPDATED)));
      head = await(store.head(tenant));
    }

    Page<CatalogueEvent> first = await(store.history(tenant, Long.MAX_VALUE, 2));
    assertEquals(List.of(5L, 4L), first.items().stream().map(CatalogueEvent::version).toList());
    Page<CatalogueEvent> second = await(store.history(tenant, Long.parseLong(first.next()), 3));
    assertEquals(List.of(3L, 2L, 1L), second.items().stream().map(CatalogueEvent::version).toList());
    assertNull(second.next(), "no page after version 1");
    assertEquals(List.of(2L, 3L, 4L), await(store.events(tenant, 2, 4)).stream().map(CatalogueEvent::version).toList());
  }

  @Test
  void markPublished_upToHead_leavesTheOutbox_andNeverGoesBack() {
    EventStore store = store();
    String tenant = tenant();
    await(store.append(null, event(tenant, 1, EventType.CREATED)));
    await(store.append(await(store.head(tenant)), event(tenant, 2, EventType.UPDATED)));
    Eventually.until(INDEX_WAIT, "the tenant is listed as pending", () -> pendingContains(store, tenant));

    await(store.markPublished(tenant, 2));
    await(store.markPublished(tenant, 1));

    Head head = await(store.head(tenant));
    assertEquals(2, head.publishedVersion());
    assertFalse(head.unpublished());
    Eventually.until(INDEX_WAIT, "the tenant left the pending list", () -> !pendingContains(store, tenant));
  }

  @Test
  void delete_keepsHistory_releasesHosts_andIsListed() {
    EventStore store = store();
    String tenant = tenant();
    String host = tenant + ".example.net";
    await(store.append(null, event(tenant, 1, EventType.CREATED, host)));
    await(store.append(await(store.head(tenant)), event(tenant, 2, EventType.DELETED)));

    Head head = await(store.head(tenant));
    assertTrue(head.deleted());
    assertEquals(List.of(), head.hosts());
    assertEquals(2, await(store.history(tenant, Long.MAX_VALUE, 10)).items().size());
    Eventually.until(INDEX_WAIT, "the deleted tenant is listed", () -> listed(store, tenant));
    await(store.append(null, event(tenant("next"), 1, EventType.CREATED, host)));
  }

  private static boolean pendingContains(EventStore store, String tenant) {
    String cursor = null;
    do {
      Page<PendingTenant> page = await(store.pending(cursor, 100));
      if (page.items().stream().anyMatch(p -> p.tenantId().equals(tenant))) {
        return true;
      }
      cursor = page.next();
    } while (cursor != null);
    return false;
  }

  private static boolean listed(EventStore store, String tenant) {
    String cursor = null;
    do {
      Page<TenantSummary> page = await(store.tenants(cursor, 100));
      if (page.items().stream().anyMatch(t -> t.tenantId().equals(tenant) && t.deleted())) {
        return true;
      }
      cursor = page.next();
    } while (cursor != null);
    return false;
  }

  private static String tenant() {
    return tenant("contract");
  }

  private static String tenant(String prefix) {
    return TestNames.unique(prefix);
  }

  private static CatalogueEvent event(String tenant, long version, EventType type, String... hosts) {
    JsonObject document =
        type == EventType.DELETED
            ? null
            : new JsonObject().put("tenantId", tenant).put("hosts", new JsonArray(List.of(hosts))).put("products", new JsonArray().add("v" + version));
    return new CatalogueEvent(
        UUID.randomUUID().toString(), tenant, version, type, Instant.now().truncatedTo(ChronoUnit.MILLIS), document, "contract-test", "req-" + version);
  }

  private static <T> T await(Future<T> future) {
    return future.await();
  }

  private static Throwable failure(Future<?> future) {
    return assertThrows(Throwable.class, future::await);
  }
}
