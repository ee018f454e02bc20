package dev.tcs.projector;

import static dev.tcs.projector.Fixtures.definitions;
import static dev.tcs.projector.Fixtures.event;
import static dev.tcs.projector.ItSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.model.EventType;
import dev.tcs.core.model.View;
import dev.tcs.core.model.ViewDefinitions;
import dev.tcs.infra.Eventually;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The projector against a real Kafka: events in, views out, bad records skipped, rebuild. */
@ExtendWith(ProjectorHarness.PerTest.class)
class ProjectorIT {
  private static final Duration WAIT = ProjectorHarness.WAIT;

  private ProjectorHarness harness;

  @BeforeEach
  void setUp(ProjectorHarness harness) throws Exception {
    this.harness = harness;
  }

  @Test
  void deploy_eventsIn_viewsOutPerTenantInVersionOrder() throws Exception {
    harness.deployReady(definitions(1));
    ViewCollector views = harness.readViews();

    harness.appendEvents(
        event("acme", 1, EventType.CREATED),
        event("globex", 1, EventType.CREATED),
        event("acme", 2, EventType.UPDATED),
        event("globex", 2, EventType.UPDATED),
        event("acme", 3, EventType.DELETED));

    // Events of one tenant that arrive in one batch are coalesced: only the newest view is published.
    List<View> out =
        views.awaitUntil(v -> ViewCollector.hasVersion(v, "acme", 3, 1) && ViewCollector.hasVersion(v, "globex", 2, 1), "acme 3 and globex 2", WAIT);
    assertVersionsIncrease("acme", out);
    assertVersionsIncrease("globex", out);
    assertTrue(out.stream().allMatch(view -> view.revision() == 1));
    List<View> acmeDeleted = out.stream().filter(view -> view.tenantId().equals("acme") && view.version() == 3).toList();
    assertTrue(acmeDeleted.stream().allMatch(view -> view.deleted() && view.body().isEmpty() && view.keys().isEmpty()));
    View globexIngress = out.stream().filter(v -> v.tenantId().equals("globex") && v.consumer().equals("network-ingress")).findFirst().orElseThrow();
    assertEquals(List.of("globex.example.net"), globexIngress.keys());
    // The counter moves once the event's appends are acked, which may be just after a reader sees the views.
    Eventually.until(WAIT, "5 records counted as projected", () -> records("projected") == 5.0);
    String metrics = ItSupport.get(harness.opsPort, "/metrics").body();
    assertTrue(metrics.contains("tcs_projector_records_total{outcome=\"projected\",source=\"live\"} 5.0"), metrics);
    assertTrue(metrics.contains("tcs_projector_views_published_total{source=\"live\"} " + views.views().size() + ".0"), metrics);
    assertTrue(metrics.contains("tcs_projector_lag_seconds_count{source=\"live\"} 5"), metrics);
  }

  @Test
  void deploy_garbageRecords_skippedCountedAndNextEventProjected() throws Exception {
    harness.deployReady(definitions(1));
    ViewCollector views = harness.readViews();

    Future<Void> appended =
        harness.eventLog
            .append(harness.eventsTopic(), "acme", Buffer.buffer("{garbage"))
            .compose(v -> harness.eventLog.append(harness.eventsTopic(), "acme", new JsonObject().put("tenantId", "acme").put("version", 0).toBuffer()))
            .compose(v -> harness.eventLog.append(harness.eventsTopic(), "acme", event("acme", 1, EventType.CREATED).toBuffer()));
    await(appended, WAIT);

    List<View> out = views.awaitViews(2, WAIT);
    assertEquals(List.of("1:jira", "1:network-ingress"), versionsOf("acme", out));
    assertEquals(2.0, records("rejected"));
    // The counter moves once the event's appends are acked, which may be just after a reader sees the views.
    Eventually.until(WAIT, "1 record counted as projected", () -> records("projected") == 1.0);
  }

  @Test
  void rebuild_afterLiveProjection_republishesNewestViewOfEveryTenantWithNewRevision() throws Exception {
    harness.deployReady(definitions(1));
    ViewCollector views = harness.readViews();
    harness.appendEvents(event("acme", 1, EventType.CREATED), event("globex", 1, EventType.CREATED), event("acme", 2, EventType.UPDATED));
    harness.append(harness.eventsTopic(), "acme", Buffer.buffer("not an event"));
    List<View> live = views.awaitUntil(v -> ViewCollector.hasVersion(v, "acme", 2, 1) && ViewCollector.hasVersion(v, "globex", 1, 1), "acme 2, globex 1", WAIT);

    RebuildResult result = harness.rebuild(definitions(2));

    assertEquals(3, result.records());
    assertEquals(1, result.rejected());
    assertEquals(4, result.viewsPublished(), "only the newest view per (tenant, consumer) is published");
    assertEquals(2, result.revision());
    assertTrue(result.published());
    List<View> all = views.awaitUntil(v -> v.stream().filter(view -> view.revision() == 2).count() >= 4, "4 views at revision 2", WAIT);
    List<View> rebuilt = all.stream().filter(view -> view.revision() == 2).toList();
    assertEquals(4, rebuilt.size());
    assertEquals(List.of("2:jira", "2:network-ingress"), versionsOf("acme", rebuilt).stream().sorted().toList());
    assertEquals(List.of("1:jira", "1:network-ingress"), versionsOf("globex", rebuilt).stream().sorted().toList());
    assertEquals(
        live.stream().filter(view -> view.version() == 2 || view.tenantId().equals("globex")).map(view -> view.body()).collect(Collectors.toSet()),
        rebuilt.stream().map(view -> view.body()).collect(Collectors.toSet()));
    assertEquals(4.0, harness.registry.get(ProjectorMetrics.REBUILD_RECORDS).tag("state", "total").gauge().value());
    assertEquals(4.0, harness.registry.get(ProjectorMetrics.REBUILD_RECORDS).tag("state", "done").gauge().value());
    assertEquals(1.0, harness.registry.get(ProjectorMetrics.RECORDS).tag("source", "rebuild").tag("outcome", "rejected").counter().count());
  }

  /**
   * Replay under live writes with a new definitions revision: the rebuild publishes the new
   * shape, the live projector switches to it, and every tenant's newest view ends in the new
   * shape at the last version written, also for writes made during and after the rebuild.
   */
  @Test
  void rebuild_newRevisionUnderLiveWrites_everyTenantEndsInNewShapeAtItsLastVersion() throws Exception {
    harness.deployReady(definitions(1));
    ViewCollector views = harness.readViews();
    List<String> tenants = List.of("t-a", "t-b", "t-c", "t-d", "t-e", "t-f");
    java.util.Map<String, Long> written = new java.util.concurrent.ConcurrentHashMap<>();
    for (String tenant : tenants) {
      harness.appendEvents(event(tenant, 1, EventType.CREATED));
      written.put(tenant, 1L);
    }
    java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
    java.util.concurrent.atomic.AtomicInteger turn = new java.util.concurrent.atomic.AtomicInteger();
    Thread writer =
        new Thread(
            () -> {
              while (writing.get()) {
                String tenant = tenants.get(turn.getAndIncrement() % tenants.size());
                long version = written.get(tenant) + 1;
                try {
                  harness.append(harness.eventsTopic(), tenant, event(tenant, version, EventType.UPDATED).toBuffer());
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
                written.put(tenant, version);
              }
            },
            "it-writer");
    writer.start();

    RebuildResult result = harness.rebuild(withRevisionNote(2));
    Thread.sleep(500); // writes go on after the rebuild
    writing.set(false);
    writer.join();

    assertTrue(result.published());
    views.awaitUntil(
        all -> tenants.stream().allMatch(tenant -> newestIsNewShape(all, tenant, written.get(tenant))),
        "every tenant's newest view at its last version, revision 2, with /revisionNote for jira",
        WAIT);
  }

  /** The newest (by version, revision) view of each consumer of {@code tenant} is {@code version} at revision 2 in the new shape. */
  private static boolean newestIsNewShape(List<View> views, String tenant, long version) {
    for (String consumer : List.of("jira", "network-ingress")) {
      View newest =
          views.stream()
              .filter(v -> v.tenantId().equals(tenant) && v.consumer().equals(consumer))
              .reduce(EventProjector::newer)
              .orElse(null);
      if (newest == null || newest.version() != version || newest.revision() != 2) {
        return false;
      }
      if (consumer.equals("jira") && !("v" + version).equals(newest.body().getString("revisionNote"))) {
        return false;
      }
    }
    return true;
  }

  /** {@code definitions(revision)} with {@code /revisionNote} added to jira's view: a new shape. */
  private static ViewDefinitions withRevisionNote(long revision) {
    JsonObject json = definitions(revision).toJson();
    json.getJsonObject("consumers").getJsonObject("jira").getJsonArray("include").add("/revisionNote");
    return ViewDefinitions.fromJson(json);
  }

  /**
   * A rebuild decodes only each tenant's newest record; when that one is invalid it still
   * publishes the tenant's newest valid version (found by a second pass), and a deletion wins.
   */
  @Test
  void rebuild_newestRecordInvalidOrDeleted_publishesNewestValidVersionAndTombstones() throws Exception {
    harness.appendEvents(event("acme", 1, EventType.CREATED), event("globex", 1, EventType.CREATED), event("acme", 2, EventType.UPDATED));
    JsonObject badHosts = event("acme", 3, EventType.UPDATED).toJson();
    badHosts.getJsonObject("document").put("hosts", new io.vertx.core.json.JsonArray().add("Not A Host"));
    harness.append(harness.eventsTopic(), "acme", badHosts.toBuffer());
    harness.appendEvents(event("globex", 2, EventType.DELETED), event("initech", 1, EventType.CREATED));
    harness.append(harness.eventsTopic(), "initech", Buffer.buffer("not an event"));
    ViewCollector views = harness.readViews();

    RebuildResult result = harness.rebuild(definitions(2));

    assertEquals(2, result.rejected());
    assertEquals(5, result.records());
    assertEquals(6, result.viewsPublished());
    List<View> rebuilt = views.awaitUntil(v -> v.stream().filter(view -> view.revision() == 2).count() >= 6, "6 views at revision 2", WAIT);
    assertEquals(List.of("2:jira", "2:network-ingress"), versionsOf("acme", rebuilt).stream().sorted().toList());
    assertEquals(List.of("2:jira", "2:network-ingress"), versionsOf("globex", rebuilt).stream().sorted().toList());
    assertTrue(rebuilt.stream().filter(view -> view.tenantId().equals("globex")).allMatch(view -> view.deleted() && view.body().isEmpty()));
    assertEquals(List.of("1:jira", "1:network-ingress"), versionsOf("initech", rebuilt).stream().sorted().toList());
    assertTrue(rebuilt.stream().filter(view -> view.tenantId().equals("acme")).noneMatch(View::deleted));
  }

  @Test
  void rebuild_emptyTopic_completesWithNothingPublished() throws Exception {
    RebuildResult result = harness.rebuild(definitions(2));

    assertEquals(0, result.records());
    assertEquals(0, result.viewsPublished());
  }

  /** Per consumer, the tenant's versions only go up in the order they were read. */
  private static void assertVersionsIncrease(String tenantId, List<View> views) {
    for (String consumer : List.of("jira", "network-ingress")) {
      List<Long> versions = views.stream().filter(v -> v.tenantId().equals(tenantId) && v.consumer().equals(consumer)).map(View::version).toList();
      assertEquals(versions.stream().sorted().distinct().toList(), versions, tenantId + "/" + consumer + " versions in order");
    }
  }

  /** {@code version:consumer} of the tenant's views, in the order they were read. */
  private static List<String> versionsOf(String tenantId, List<View> views) {
    return views.stream().filter(view -> view.tenantId().equals(tenantId)).map(view -> view.version() + ":" + view.consumer()).toList();
  }

  private double records(String outcome) {
    return harness.registry.get(ProjectorMetrics.RECORDS).tag("source", "live").tag("outcome", outcome).counter().count();
  }
}
