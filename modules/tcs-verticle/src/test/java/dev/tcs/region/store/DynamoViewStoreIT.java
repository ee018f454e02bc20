package dev.tcs.region.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.dynamo.DynamoClients;
import dev.tcs.core.dynamo.DynamoSettings;
import dev.tcs.core.model.View;
import dev.tcs.core.read.ReadKey;
import dev.tcs.core.read.Stamp;
import dev.tcs.infra.EmbeddedDynamo;
import dev.tcs.infra.LocalInfraExtension;
import dev.tcs.infra.TestNames;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/** The table's conditional writes against DynamoDB Local: the version rule holds with several writers at once. */
@ExtendWith(LocalInfraExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DynamoViewStoreIT {
  private static Vertx vertx;
  private static DynamoDbAsyncClient dynamo;
  private static DynamoViewStore store;

  @BeforeAll
  static void createTable(EmbeddedDynamo local) {
    vertx = Vertx.vertx();
    dynamo = DynamoClients.createCompletingOnIoThreads(DynamoSettings.local(local.endpoint())); // as `tcs run region`
    store = new DynamoViewStore(dynamo, TestNames.unique("tcs-views-store"), Clock.systemUTC());
    store.ensureTable(vertx).await();
  }

  @AfterAll
  static void close() {
    if (dynamo != null) {
      dynamo.close();
    }
    if (vertx != null) {
      vertx.close().await();
    }
  }

  @Test
  void apply_concurrentWritersOfManyVersions_newestWins() {
    String tenant = TestNames.unique("t");
    List<CompletableFuture<ApplyResult>> writes = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      for (long version = 10; version >= 1; version--) {
        writes.add(store.apply(view(tenant, version, 1, List.of(tenant + ".example.net"))));
      }
    }
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();

    StoredView stored = store.find(ReadKey.tenant(tenant, "jira"), true).join();
    assertEquals(new Stamp(10, 1), stored.version());
    assertEquals("{\"v\":10}", stored.body());
    assertEquals(new Stamp(10, 1), store.find(ReadKey.host(tenant + ".example.net", "jira"), true).join().version());
  }

  @Test
  void apply_sameViewTwice_isAppliedBothTimes() {
    String tenant = TestNames.unique("t");
    assertTrue(store.apply(view(tenant, 1, 1, List.of())).join().applied());
    assertTrue(store.apply(view(tenant, 1, 1, List.of())).join().applied(), "a redelivered view is harmless");
    assertFalse(store.apply(view(tenant, 1, 0, List.of())).join().applied(), "a lower revision is stale");
  }

  @Test
  void apply_hostMovedToAnotherTenant_oldOwnerCannotRetireIt() {
    String first = TestNames.unique("t");
    String second = TestNames.unique("t");
    String host = first + ".example.net";
    store.apply(view(first, 1, 1, List.of(host))).join();
    store.apply(view(second, 1, 1, List.of(host))).join();
    ApplyResult dropped = store.apply(view(first, 2, 1, List.of())).join();

    assertEquals(List.of(host), dropped.removedHosts());
    StoredView stored = store.find(ReadKey.host(host, "jira"), true).join();
    assertEquals(second, stored.tenantId(), "the host still points to its new owner");
    assertTrue(stored.found());
  }

  /**
   * A host moves from tenant A (v1 has it, v2 drops it) to tenant B (v1 takes it, v2 keeps it).
   * Every arrival order that keeps each tenant's own order ends with the host at B's newest view,
   * also when a region replays from the start or a batch coalesced A's first view away.
   */
  @Test
  void apply_hostMove_everyArrivalOrder_endsWithNewOwner() {
    List<List<String>> orders =
        List.of(
            List.of("A1", "A2", "B1", "B2"),
            List.of("A1", "B1", "A2", "B2"),
            List.of("A1", "B1", "B2", "A2"),
            List.of("B1", "A1", "A2", "B2"),
            List.of("B1", "A1", "B2", "A2"),
            List.of("B1", "B2", "A1", "A2"),
            List.of("A2", "B1", "B2"),
            List.of("B1", "B2", "A2"),
            List.of("B2", "A1", "A2"));
    for (List<String> order : orders) {
      String a = TestNames.unique("a");
      String b = TestNames.unique("b");
      String host = TestNames.unique("h") + ".example.net";
      for (String step : order) {
        String tenant = step.startsWith("A") ? a : b;
        long version = Long.parseLong(step.substring(1));
        boolean hasHost = !step.equals("A2");
        store.apply(view(tenant, version, 1, hasHost ? List.of(host) : List.of())).join();
      }
      StoredView stored = store.find(ReadKey.host(host, "jira"), true).join();
      assertEquals(b, stored.tenantId(), "order " + order);
      assertTrue(stored.found(), "order " + order);
      assertEquals(new Stamp(2, 1), stored.version(), "order " + order);
      assertEquals("{\"v\":2}", stored.body(), "order " + order);
    }
  }

  /** The two tenants' views are ingested by different partition lanes at the same time. */
  @Test
  void apply_hostMove_concurrentLanes_endsWithNewOwner() {
    for (int round = 0; round < 5; round++) {
      String a = TestNames.unique("a");
      String b = TestNames.unique("b");
      String host = TestNames.unique("h") + ".example.net";
      CompletableFuture<ApplyResult> laneA =
          store.apply(view(a, 1, 1, List.of(host))).thenCompose(r -> store.apply(view(a, 2, 1, List.of())));
      CompletableFuture<ApplyResult> laneB =
          store.apply(view(b, 1, 1, List.of(host))).thenCompose(r -> store.apply(view(b, 2, 1, List.of(host))));
      CompletableFuture.allOf(laneA, laneB).join();

      StoredView stored = store.find(ReadKey.host(host, "jira"), true).join();
      assertEquals(b, stored.tenantId(), "round " + round);
      assertTrue(stored.found(), "round " + round);
    }
  }

  /** A tenant that dropped a host before claiming it again keeps it; the other tenant's stale claim does not win. */
  @Test
  void apply_hostMovesBack_claimOfIntermediateOwnerWithdrawn() {
    String a = TestNames.unique("a");
    String b = TestNames.unique("b");
    String host = TestNames.unique("h") + ".example.net";
    // Catalogue order: A1 has it, A2 drops it, B1 takes it, B2 drops it, A3 takes it back.
    store.apply(view(a, 1, 1, List.of(host))).join();
    store.apply(view(b, 1, 1, List.of(host))).join(); // waits: A still lists it
    store.apply(view(a, 2, 1, List.of())).join(); // A lets go: B's claim is promoted
    store.apply(view(a, 3, 1, List.of(host))).join(); // waits: B still lists it
    store.apply(view(b, 2, 1, List.of())).join(); // B lets go: A's claim is promoted

    StoredView stored = store.find(ReadKey.host(host, "jira"), true).join();
    assertEquals(a, stored.tenantId());
    assertEquals(new Stamp(3, 1), stored.version());
  }

  /** New tenants take the quick way: one BatchGetItem and one TransactWriteItems, no write of their own. */
  @Test
  void applyAll_newTenants_oneReadAndOneTransaction() {
    Calls calls = new Calls();
    DynamoViewStore counted = new DynamoViewStore(calls.wrap(dynamo), store.table(), Clock.systemUTC());
    List<View> views = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String tenant = TestNames.unique("t");
      views.add(view(tenant, 3, 1, List.of(tenant + ".example.net")));
    }

    List<ApplyResult> results = counted.applyAll(views).join();

    assertEquals(50, results.size());
    results.forEach(result -> assertEquals(new ApplyResult(true, List.of()), result));
    assertEquals(Map.of("batchGetItem", 1, "transactWriteItems", 1), calls.counts());
    for (View view : views) {
      assertEquals(new Stamp(3, 1), store.find(ReadKey.tenant(view.tenantId(), "jira"), true).join().version());
      StoredView host = store.find(ReadKey.host(view.keys().get(0), "jira"), true).join();
      assertEquals(view.tenantId(), host.tenantId());
      assertEquals("{\"v\":3}", host.body());
    }
  }

  /** Each view ends as {@link DynamoViewStore#apply} would leave it, whichever way it took. */
  @Test
  void applyAll_mixedViews_sameOutcomeAsApplyEach() {
    String newer = TestNames.unique("t");
    String dropping = TestNames.unique("t");
    String owner = TestNames.unique("t");
    String claimant = TestNames.unique("t");
    String fresh = TestNames.unique("t");
    String shared = TestNames.unique("h") + ".example.net";
    store.apply(view(newer, 5, 1, List.of())).join();
    store.apply(view(dropping, 1, 1, List.of(dropping + ".example.net"))).join();
    store.apply(view(owner, 1, 1, List.of(owner + ".example.net"))).join();

    List<ApplyResult> results =
        store.applyAll(
                List.of(
                    view(newer, 4, 1, List.of()), // stale
                    view(dropping, 2, 1, List.of()), // drops its host: on its own
                    view(claimant, 1, 1, List.of(owner + ".example.net")), // another tenant's host: the transaction is cancelled
                    view(fresh, 1, 1, List.of(shared)),
                    view(TestNames.unique("t"), 1, 1, List.of(shared)))) // the same host item as the view before: on its own
            .join();

    assertEquals(ApplyResult.STALE, results.get(0));
    assertEquals(new ApplyResult(true, List.of(dropping + ".example.net")), results.get(1));
    assertTrue(results.get(2).applied());
    assertTrue(results.get(3).applied());
    assertTrue(results.get(4).applied());
    assertEquals(new Stamp(5, 1), store.find(ReadKey.tenant(newer, "jira"), true).join().version());
    assertFalse(store.find(ReadKey.host(dropping + ".example.net", "jira"), true).join().found(), "the dropped host is a tombstone");
    assertEquals(owner, store.find(ReadKey.host(owner + ".example.net", "jira"), true).join().tenantId(), "the claim waits for the owner");
    assertEquals(new Stamp(1, 1), store.find(ReadKey.tenant(claimant, "jira"), true).join().version());
    assertEquals(new Stamp(1, 1), store.find(ReadKey.tenant(fresh, "jira"), true).join().version());
  }

  @Test
  void applyAll_concurrentCallsOfManyVersions_newestWins() {
    String tenant = TestNames.unique("t");
    List<CompletableFuture<List<ApplyResult>>> writes = new ArrayList<>();
    for (long version = 10; version >= 1; version--) {
      writes.add(store.applyAll(List.of(view(tenant, version, 1, List.of(tenant + ".example.net")), view(TestNames.unique("t"), 1, 1, List.of()))));
    }
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();

    assertEquals(new Stamp(10, 1), store.find(ReadKey.tenant(tenant, "jira"), true).join().version());
    assertEquals(new Stamp(10, 1), store.find(ReadKey.host(tenant + ".example.net", "jira"), true).join().version());
  }

  /** Counts the calls made through a real client. */
  private static final class Calls {
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();

    DynamoDbAsyncClient wrap(DynamoDbAsyncClient real) {
      return (DynamoDbAsyncClient)
          Proxy.newProxyInstance(
              DynamoDbAsyncClient.class.getClassLoader(),
              new Class<?>[] {DynamoDbAsyncClient.class},
              (proxy, method, args) -> {
                if (method.getDeclaringClass() != Object.class) {
                  counts.merge(method.getName(), 1, Integer::sum);
                }
                try {
                  return method.invoke(real, args);
                } catch (InvocationTargetException e) {
                  throw e.getCause();
                }
              });
    }

    Map<String, Integer> counts() {
      return Map.copyOf(counts);
    }
  }

  @Test
  void find_absentKey_isAbsent() {
    assertEquals(StoredView.ABSENT, store.find(ReadKey.tenant(TestNames.unique("t"), "jira"), false).join());
  }

  private static View view(String tenant, long version, long revision, List<String> hosts) {
    return new View(tenant, "jira", version, revision, hosts, false, new JsonObject().put("v", version));
  }
}
