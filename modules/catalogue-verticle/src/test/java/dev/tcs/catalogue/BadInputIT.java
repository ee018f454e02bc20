package dev.tcs.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tcs.catalogue.testing.BadInputs;
import dev.tcs.catalogue.testing.Http;
import dev.tcs.catalogue.testing.Http.Answer;
import dev.tcs.infra.LocalInfra;
import dev.tcs.infra.LocalInfraExtension;
import io.vertx.core.json.JsonObject;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every bad write against the real store: its status and field, and nothing stored changes. */
@ExtendWith(LocalInfraExtension.class)
class BadInputIT {
  private static final String TENANT = "bad-input-acme";
  private static final String OTHER = "bad-input-other";
  private static CatalogueHarness catalogue;
  private static Http http;

  @BeforeAll
  static void deploy(LocalInfra infra) {
    catalogue = new CatalogueHarness(infra.dynamo().endpoint(), infra.kafka().bootstrapServers()).deploy();
    http = catalogue.http();
    assertEquals(201, http.put("/v1/tenants/" + TENANT, BadInputs.document(TENANT, "acme.bad.example.net")).status());
    assertEquals(201, http.put("/v1/tenants/" + OTHER, BadInputs.document(OTHER, "other.bad.example.net")).status());
  }

  @AfterAll
  static void close() {
    catalogue.close();
  }

  @TestFactory
  Stream<DynamicTest> badInput_getsItsStatus_andTheStoredTenantsAreUnchanged() {
    return BadInputs.all(TENANT, "acme.bad.example.net", "other.bad.example.net", catalogue.tokens).stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    c.toString(),
                    () -> {
                      JsonObject before = state(TENANT);
                      JsonObject otherBefore = state(OTHER);

                      Answer answer = c.send().apply(http);

                      assertEquals(c.status(), answer.status(), answer::toString);
                      assertEquals("application/problem+json", answer.header("Content-Type"));
                      if (c.field() != null) {
                        assertEquals(c.field(), answer.json().getString("field"), answer::toString);
                      }
                      assertEquals(before, state(TENANT));
                      assertEquals(otherBefore, state(OTHER));
                    }));
  }

  /** What is stored for a tenant: its head and its newest history entry. */
  private static JsonObject state(String tenantId) {
    Answer head = http.get("/v1/tenants/" + tenantId);
    Answer history = http.get("/v1/tenants/" + tenantId + "/history?limit=1");
    return new JsonObject().put("head", head.json()).put("etag", head.header("ETag")).put("history", history.json());
  }
}
