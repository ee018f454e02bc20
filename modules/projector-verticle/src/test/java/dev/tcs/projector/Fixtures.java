package dev.tcs.projector;

import dev.tcs.core.model.CatalogueEvent;
import dev.tcs.core.model.EventType;
import dev.tcs.core.model.ViewDefinitions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/** The design's example tenant and view definitions, and events built from them. */
final class Fixtures {
  static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

  private Fixtures() {}

  /** The example context of DESIGN.md "Contracts". */
  static JsonObject exampleContext(String tenantId) {
    return new JsonObject()
        .put("tenantId", tenantId)
        .put("hosts", new JsonArray().add(tenantId + ".example.net"))
        .put("products", new JsonArray().add("jira").add("confluence"))
        .put("jira", new JsonObject().put("db-user", tenantId + "_jira").put("db-password", "s3cret-" + tenantId))
        .put(
            "network-ingress",
            new JsonObject().put("/", "http://jira-us-east.internal").put("/wiki", "http://confluence-eu-west.internal"));
  }

  /** The definitions of config/views.yaml, with the given revision. */
  static ViewDefinitions definitions(long revision) {
    return ViewDefinitions.fromJson(
        new JsonObject()
            .put("revision", revision)
            .put(
                "consumers",
                new JsonObject()
                    .put("jira", new JsonObject().put("include", new JsonArray().add("/jira").add("/products")))
                    .put(
                        "network-ingress",
                        new JsonObject().put("include", new JsonArray().add("/network-ingress").add("/hosts")))));
  }

  static CatalogueEvent event(String tenantId, long version, EventType type) {
    JsonObject document = type == EventType.DELETED ? null : exampleContext(tenantId).put("revisionNote", "v" + version);
    return new CatalogueEvent(
        UUID.randomUUID().toString(), tenantId, version, type, T0.plusSeconds(version), document, "writer", "req-" + version);
  }

  static CatalogueEvent created(String tenantId) {
    return event(tenantId, 1, EventType.CREATED);
  }
}
