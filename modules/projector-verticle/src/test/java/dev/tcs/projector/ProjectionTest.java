package dev.tcs.projector;

import static dev.tcs.projector.Fixtures.created;
import static dev.tcs.projector.Fixtures.definitions;
import static dev.tcs.projector.Fixtures.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.model.CatalogueEvent;
import dev.tcs.core.model.EventType;
import dev.tcs.core.model.View;
import dev.tcs.core.model.ViewDefinitions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProjectionTest {
  private final ViewDefinitions definitions = definitions(3);

  @Test
  void viewsOf_exampleContext_oneViewPerConsumerInDeclaredOrder() {
    List<View> views = Projection.viewsOf(created("acme"), definitions);

    assertEquals(List.of("jira", "network-ingress"), views.stream().map(View::consumer).toList());
    for (View view : views) {
      assertEquals("acme", view.tenantId());
      assertEquals(1, view.version());
      assertEquals(3, view.revision());
      assertEquals(List.of("acme.example.net"), view.keys());
      assertFalse(view.deleted());
    }
  }

  @Test
  void viewsOf_exampleContext_jiraSeesJiraAndProductsOnly() {
    JsonObject body = viewFor("jira", Projection.viewsOf(created("acme"), definitions)).body();

    assertEquals(Set.of("tenantId", "jira", "products"), body.fieldNames());
    assertEquals("acme", body.getString("tenantId"));
    assertEquals(new JsonArray().add("jira").add("confluence"), body.getJsonArray("products"));
    assertEquals("acme_jira", body.getJsonObject("jira").getString("db-user"));
    assertFalse(body.encode().contains("jira-us-east.internal"), "jira must never see /network-ingress");
  }

  @Test
  void viewsOf_exampleContext_networkIngressSeesRoutesAndHostsNeverACredential() {
    JsonObject body = viewFor("network-ingress", Projection.viewsOf(created("acme"), definitions)).body();

    assertEquals(Set.of("tenantId", "network-ingress", "hosts"), body.fieldNames());
    assertEquals("http://confluence-eu-west.internal", body.getJsonObject("network-ingress").getString("/wiki"));
    assertEquals(new JsonArray().add("acme.example.net"), body.getJsonArray("hosts"));
    String encoded = viewFor("network-ingress", Projection.viewsOf(created("acme"), definitions)).toBuffer().toString();
    assertFalse(encoded.contains("db-password"), encoded);
    assertFalse(encoded.contains("s3cret"), encoded);
  }

  @Test
  void viewsOf_deletedEvent_tombstonePerConsumer() {
    List<View> views = Projection.viewsOf(event("acme", 4, EventType.DELETED), definitions);

    assertEquals(List.of("jira", "network-ingress"), views.stream().map(View::consumer).toList());
    for (View view : views) {
      assertTrue(view.deleted());
      assertEquals(new JsonObject(), view.body());
      assertEquals(List.of(), view.keys());
      assertEquals(4, view.version());
      assertEquals(3, view.revision());
    }
  }

  @Test
  void viewsOf_consumerNotDeclared_hasNoView() {
    List<View> views = Projection.viewsOf(created("acme"), definitions);

    assertFalse(definitions.hasView("billing"));
    assertTrue(views.stream().noneMatch(view -> view.consumer().equals("billing")));
    assertEquals(definitions.consumers().size(), views.size());
  }

  @Test
  void viewsOf_noConsumersDeclared_noViews() {
    ViewDefinitions none = ViewDefinitions.fromJson(new JsonObject().put("revision", 1).put("consumers", new JsonObject()));

    assertEquals(List.of(), Projection.viewsOf(created("acme"), none));
  }

  @Test
  void viewsOf_sameEventTwice_sameViews() {
    CatalogueEvent event = event("acme", 2, EventType.UPDATED);

    assertEquals(Projection.viewsOf(event, definitions), Projection.viewsOf(event, definitions));
  }

  @Test
  void viewsOf_contextWithoutHosts_noKeys() {
    JsonObject document = Fixtures.exampleContext("acme");
    document.remove("hosts");
    CatalogueEvent event = new CatalogueEvent("e1", "acme", 1, EventType.CREATED, Fixtures.T0, document, null, null);

    View ingress = viewFor("network-ingress", Projection.viewsOf(event, definitions));

    assertEquals(List.of(), ingress.keys());
    assertFalse(ingress.body().containsKey("hosts"));
  }

  private static View viewFor(String consumer, List<View> views) {
    return views.stream().filter(view -> view.consumer().equals(consumer)).findFirst().orElseThrow();
  }
}
