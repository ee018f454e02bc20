package dev.tcs.catalogue.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.catalogue.CatalogueMetrics;
import dev.tcs.catalogue.command.TenantCommands;
import dev.tcs.catalogue.testing.BadInputs;
import dev.tcs.catalogue.testing.Http;
import dev.tcs.catalogue.testing.Http.Answer;
import dev.tcs.catalogue.testing.InMemoryEventStore;
import dev.tcs.catalogue.testing.TestTokens;
import dev.tcs.core.http.HttpServers;
import dev.tcs.core.model.CatalogueEvent;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The HTTP API over an in-memory store: status codes, headers, problem documents, validation. */
class CatalogueRouterTest {
  private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
  private static Vertx vertx;
  private static HttpServer server;
  private static InMemoryEventStore store;
  private static TestTokens tokens;
  private static PrometheusMeterRegistry registry;
  private static final List<CatalogueEvent> committed = new ArrayList<>();
  private static Http http;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    tokens = new TestTokens(vertx);
    store = new InMemoryEventStore();
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    CatalogueMetrics metrics = new CatalogueMetrics(registry);
    TenantCommands commands =
        new TenantCommands(vertx, store, Clock.fixed(NOW, ZoneOffset.UTC), 3, metrics, (event, before) -> committed.add(event));
    server =
        vertx.createHttpServer(HttpServers.options("127.0.0.1", 0))
            .requestHandler(CatalogueRouter.create(vertx, commands, store, tokens.tokens(), metrics, registry, List.of()))
            .listen()
            .await();
    http = new Http(server.actualPort(), tokens.writer("ops-alice"));
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void put_newTenant_returns201WithLocationAndEtag() {
    Answer answer = http.put("/v1/tenants/router-new", BadInputs.document("router-new", "router-new.example.net"));

    assertEquals(201, answer.status(), answer::toString);
    assertEquals("/v1/tenants/router-new", answer.header("Location"));
    assertEquals("\"1\"", answer.header("ETag"));
    assertEquals("no-store", answer.header("Cache-Control"));
    JsonObject body = answer.json();
    assertEquals("router-new", body.getString("tenantId"));
    assertEquals(1, body.getLong("version"));
    assertEquals(false, body.getBoolean("deleted"));
    assertEquals("created", body.getString("change"));
    assertEquals(NOW.toString(), body.getString("updatedAt"));
    assertEquals("router-new.example.net", body.getJsonObject("document").getJsonArray("hosts").getString(0));
  }

  @Test
  void put_sameDocumentTwice_returns200UnchangedWithoutNewVersion() {
    JsonObject document = BadInputs.document("router-same");
    assertEquals(201, http.put("/v1/tenants/router-same", document).status());

    Answer again = http.put("/v1/tenants/router-same", document.copy().put("tenantId", "router-same"));

    assertEquals(200, again.status());
    assertEquals("unchanged", again.json().getString("change"));
    assertEquals(1, again.version());
    assertEquals("\"1\"", again.header("ETag"));
    assertEquals(1, store.allEvents("router-same").size());
  }

  @Test
  void put_withoutTenantIdInBody_takesItFromThePath() {
    Answer answer = http.put("/v1/tenants/router-implicit", new JsonObject().put("products", List.of("jira")));

    assertEquals(201, answer.status());
    assertEquals("router-implicit", answer.json().getJsonObject("document").getString("tenantId"));
  }

  @Test
  void put_ifNoneMatchStarOnNewTenant_creates() {
    Answer answer =
        http.request("PUT", "/v1/tenants/router-create-only").header("If-None-Match", "*").json(BadInputs.document("router-create-only")).send();

    assertEquals(201, answer.status());
  }

  @Test
  void write_recordsWriterAndRequestId() {
    http.request("PUT", "/v1/tenants/router-who").header("X-Request-Id", "req-42").json(BadInputs.document("router-who")).send();

    CatalogueEvent event = store.allEvents("router-who").get(0);
    assertEquals("ops-alice", event.writer());
    assertEquals("req-42", event.requestId());
  }

  @Test
  void get_ifNoneMatchCurrent_returns304() {
    http.put("/v1/tenants/router-etag", BadInputs.document("router-etag"));

    Answer answer = http.request("GET", "/v1/tenants/router-etag").header("If-None-Match", "\"1\"").send();

    assertEquals(304, answer.status());
    assertEquals("\"1\"", answer.header("ETag"));
  }

  @Test
  void get_deletedTenant_returns404WithEtagOfTheDeletion() {
    http.put("/v1/tenants/router-gone", BadInputs.document("router-gone"));
    Answer deleted = http.delete("/v1/tenants/router-gone");
    assertEquals(200, deleted.status());
    assertEquals(2, deleted.version());
    assertEquals(true, deleted.json().getBoolean("deleted"));
    assertNull(deleted.json().getValue("document"));

    Answer answer = http.get("/v1/tenants/router-gone");

    assertEquals(404, answer.status());
    assertEquals("\"2\"", answer.header("ETag"));
    assertEquals("application/problem+json", answer.header("Content-Type"));
  }

  @Test
  void get_unknownRoute_returnsProblem404() {
    Answer answer = http.get("/v2/nothing");

    assertEquals(404, answer.status());
    assertEquals("application/problem+json", answer.header("Content-Type"));
  }

  @Test
  void write_outcomes_areCountedByOutcome() {
    double before = registry.get(CatalogueMetrics.WRITES).tag("outcome", "invalid").counter().count();
    http.put("/v1/tenants/router-metrics", new JsonObject().put("hosts", "nope"));

    assertEquals(before + 1, registry.get(CatalogueMetrics.WRITES).tag("outcome", "invalid").counter().count());
    assertTrue(registry.scrape().contains("tcs_catalogue_writes_total{outcome=\"created\"}"));
  }

  @Test
  void history_pagesNewestFirst() {
    String path = "/v1/tenants/router-history";
    for (int i = 0; i < 5; i++) {
      http.put(path, BadInputs.document("router-history").put("n", i));
    }

    JsonObject first = http.get(path + "/history?limit=2").json();
    JsonObject second = http.get(path + "/history?limit=2&from=" + first.getLong("next")).json();
    JsonObject last = http.get(path + "/history?limit=2&from=" + second.getLong("next")).json();

    assertEquals(List.of(5L, 4L), versions(first));
    assertEquals(List.of(3L, 2L), versions(second));
    assertEquals(List.of(1L), versions(last));
    assertNull(last.getValue("next"));
    assertEquals("newest-first", first.getString("order"));
  }

  @Test
  void list_pagesThroughEveryTenant() {
    for (int i = 0; i < 3; i++) {
      http.put("/v1/tenants/router-list-" + i, BadInputs.document("router-list-" + i));
    }
    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      JsonObject page = http.get("/v1/tenants?limit=2" + (cursor == null ? "" : "&cursor=" + cursor)).json();
      page.getJsonArray("items").forEach(item -> seen.add(((JsonObject) item).getString("tenantId")));
      cursor = page.getString("next");
    } while (cursor != null);

    assertTrue(seen.containsAll(List.of("router-list-0", "router-list-1", "router-list-2")), seen::toString);
    assertEquals(seen.size(), seen.stream().distinct().count());
  }

  @TestFactory
  Stream<DynamicTest> badInput_isRefusedWithProblem_andChangesNothing() {
    String tenant = "router-bad";
    assertEquals(201, http.put("/v1/tenants/" + tenant, BadInputs.document(tenant, "router-bad.example.net")).status());
    assertEquals(201, http.put("/v1/tenants/router-owner", BadInputs.document("router-owner", "taken.example.net")).status());
    return BadInputs.all(tenant, "router-bad.example.net", "taken.example.net", tokens).stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    c.toString(),
                    () -> {
                      List<CatalogueEvent> eventsBefore = store.allEvents(tenant);
                      var claimsBefore = store.claims();

                      Answer answer = c.send().apply(http);

                      assertEquals(c.status(), answer.status(), answer::toString);
                      assertEquals("application/problem+json", answer.header("Content-Type"));
                      JsonObject problem = answer.json();
                      assertEquals(c.status(), problem.getInteger("status"));
                      assertNotNull(problem.getString("detail"));
                      if (c.field() != null) {
                        assertEquals(c.field(), problem.getString("field"), answer::toString);
                      }
                      assertEquals(eventsBefore, store.allEvents(tenant));
                      assertEquals(claimsBefore, store.claims());
                    }));
  }

  private static List<Long> versions(JsonObject page) {
    List<Long> versions = new ArrayList<>();
    page.getJsonArray("items").forEach(item -> versions.add(((JsonObject) item).getLong("version")));
    return versions;
  }
}
