package dev.tcs.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.catalogue.testing.BadInputs;
import dev.tcs.catalogue.testing.Http;
import dev.tcs.catalogue.testing.Http.Answer;
import dev.tcs.catalogue.testing.TopicReader;
import dev.tcs.core.model.CatalogueEvent;
import dev.tcs.core.model.EventType;
import dev.tcs.infra.LocalInfra;
import dev.tcs.infra.LocalInfraExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The catalogue on DynamoDB Local and Kafka, driven through HTTP and observed on its topic. */
@ExtendWith(LocalInfraExtension.class)
class CatalogueApiIT {
  private static CatalogueHarness catalogue;
  private static Http http;

  @BeforeAll
  static void deploy(LocalInfra infra) {
    catalogue = new CatalogueHarness(infra.dynamo().endpoint(), infra.kafka().bootstrapServers()).deploy();
    http = catalogue.http();
  }

  @AfterAll
  static void close() {
    catalogue.close();
  }

  @Test
  void lifecycle_putPatchDeleteRestore_isVersionedAndPublishedInOrder() {
    String path = "/v1/tenants/life-acme";
    JsonObject v1 = BadInputs.document("life-acme", "life-acme.example.net").put("plan", "bronze");

    Answer created = http.put(path, v1);
    assertEquals(201, created.status(), created::toString);
    assertEquals(path, created.header("Location"));
    assertEquals("\"1\"", created.header("ETag"));

    assertEquals(200, http.put(path, v1).status());
    assertEquals("unchanged", http.put(path, v1).json().getString("change"));

    Answer read = http.get(path);
    assertEquals(200, read.status());
    assertEquals(v1, read.json().getJsonObject("document"));
    assertEquals("\"1\"", read.header("ETag"));

    Answer patched = http.request("PATCH", path).header("If-Match", "\"1\"").header("Content-Type", "application/merge-patch+json")
        .body("{\"plan\":\"gold\",\"products\":null}").send();
    assertEquals(200, patched.status(), patched::toString);
    assertEquals(2, patched.version());
    assertEquals("gold", http.get(path).json().getJsonObject("document").getString("plan"));

    Answer deleted = http.request("DELETE", path).header("If-Match", "\"2\"").send();
    assertEquals(200, deleted.status(), deleted::toString);
    assertEquals(3, deleted.version());
    Answer gone = http.get(path);
    assertEquals(404, gone.status());
    assertEquals("\"3\"", gone.header("ETag"));

    Answer restored = http.request("POST", path + "/restore").header("If-Match", "\"3\"").json(new JsonObject().put("version", 2)).send();
    assertEquals(200, restored.status(), restored::toString);
    assertEquals("restored", restored.json().getString("change"));
    assertEquals(4, restored.version());
    assertEquals("gold", http.get(path).json().getJsonObject("document").getString("plan"));

    Answer restoredOlder = http.request("POST", path + "/restore").json(new JsonObject().put("version", 1)).send();
    assertEquals(5, restoredOlder.version());
    assertEquals(v1, http.get(path).json().getJsonObject("document"));

    JsonObject history = http.get(path + "/history?limit=10").json();
    List<String> types = new ArrayList<>();
    history.getJsonArray("items").forEach(item -> types.add(((JsonObject) item).getString("type")));
    assertEquals(List.of("restored", "restored", "deleted", "updated", "created"), types);
    assertEquals("ops-it", history.getJsonArray("items").getJsonObject(0).getString("writer"));
    assertNull(history.getValue("next"));

    try (TopicReader reader = catalogue.reader()) {
      List<CatalogueEvent> events = reader.readUntil(e -> TopicReader.hasAll(e, "life-acme", 5), Duration.ofSeconds(20));
      assertEquals(List.of(1L, 2L, 3L, 4L, 5L), TopicReader.firstSeen(events, "life-acme"));
      List<EventType> published = events.stream().filter(e -> e.tenantId().equals("life-acme")).map(CatalogueEvent::type).distinct().toList();
      assertTrue(published.containsAll(List.of(EventType.CREATED, EventType.UPDATED, EventType.DELETED, EventType.RESTORED)));
      CatalogueEvent last = events.stream().filter(e -> e.tenantId().equals("life-acme") && e.version() == 5).findFirst().orElseThrow();
      assertEquals(v1, last.document());
      assertEquals("ops-it", last.writer());
    }
  }

  @Test
  void put_hostOfAnotherTenant_returns409_untilTheOwnerReleasesIt() {
    assertEquals(201, http.put("/v1/tenants/host-owner", BadInputs.document("host-owner", "shared.example.net")).status());

    Answer taken = http.put("/v1/tenants/host-thief", BadInputs.document("host-thief", "own.example.net", "shared.example.net"));
    assertEquals(409, taken.status(), taken::toString);
    assertEquals("hosts[1]", taken.json().getString("field"));
    assertTrue(taken.json().getString("detail").contains("shared.example.net"));
    assertEquals(404, http.get("/v1/tenants/host-thief").status());

    assertEquals(200, http.put("/v1/tenants/host-owner", BadInputs.document("host-owner", "moved.example.net")).status());
    Answer free = http.put("/v1/tenants/host-thief", BadInputs.document("host-thief", "own.example.net", "shared.example.net"));
    assertEquals(201, free.status(), free::toString);

    assertEquals(200, http.delete("/v1/tenants/host-thief").status());
    Answer afterDelete = http.put("/v1/tenants/host-owner", BadInputs.document("host-owner", "shared.example.net"));
    assertEquals(200, afterDelete.status(), afterDelete::toString);
    Answer restoreTaken = http.request("POST", "/v1/tenants/host-thief/restore").json(new JsonObject().put("version", 1)).send();
    assertEquals(409, restoreTaken.status(), restoreTaken::toString);
  }

  @Test
  void put_createOnlyTwice_secondIs412() {
    JsonObject document = BadInputs.document("create-once");
    assertEquals(201, http.request("PUT", "/v1/tenants/create-once").header("If-None-Match", "*").json(document).send().status());
    assertEquals(412, http.request("PUT", "/v1/tenants/create-once").header("If-None-Match", "*").json(document).send().status());
  }

  @Test
  void list_pagesThroughEveryTenantOnce() {
    for (int i = 0; i < 5; i++) {
      assertEquals(201, http.put("/v1/tenants/listed-" + i, BadInputs.document("listed-" + i)).status());
    }
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonObject page = http.get("/v1/tenants?limit=2" + (cursor == null ? "" : "&cursor=" + cursor)).json();
      JsonArray items = page.getJsonArray("items");
      assertTrue(items.size() <= 2);
      items.forEach(item -> seen.add(((JsonObject) item).getString("tenantId")));
      cursor = page.getString("next");
      pages++;
    } while (cursor != null && pages < 100);

    for (int i = 0; i < 5; i++) {
      assertTrue(seen.contains("listed-" + i), seen::toString);
    }
    assertEquals(seen.size(), seen.stream().distinct().count(), seen::toString);
  }

  @Test
  void ops_readyAndMetrics_answer() {
    assertEquals(200, http.as(null).get("/health/ready").status());
    assertEquals(200, http.as(null).get("/health/live").status());
    http.put("/v1/tenants/metered", BadInputs.document("metered"));
    String metrics = http.as(null).get("/metrics").text();
    assertTrue(metrics.contains("tcs_catalogue_writes_total{outcome=\"created\"}"), metrics);
    assertTrue(metrics.contains("tcs_catalogue_append_seconds{outcome=\"ok\",quantile=\"0.99\"}"), metrics);
    assertTrue(metrics.contains("tcs_catalogue_outbox_backlog_tenants"), metrics);
  }
}
