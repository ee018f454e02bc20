package dev.tcs.catalogue.store;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The current state of one tenant, as the head item of the event store holds it.
 *
 * @param tenantId the tenant
 * @param version the version of its latest event (1 or more)
 * @param deleted true when the latest event is a deletion
 * @param document the document after the latest event; {@code null} when deleted. Callers must not
 *     mutate it.
 * @param hosts the hosts the tenant claims (empty when deleted)
 * @param updatedAt when the latest event was committed
 * @param publishedVersion every event up to this version is known to be on the event log
 */
public record Head(
    String tenantId,
    long version,
    boolean deleted,
    JsonObject document,
    List<String> hosts,
    Instant updatedAt,
    long publishedVersion) {

  public Head {
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(updatedAt, "updatedAt");
    hosts = List.copyOf(hosts);
    if (deleted != (document == null)) {
      throw new IllegalArgumentException("a deleted head has no document, a live one has one");
    }
  }

  /** True when the tenant exists now (has a version and is not deleted). */
  public boolean live() {
    return !deleted;
  }

  /** True when some committed event is not yet known to be on the event log. */
  public boolean unpublished() {
    return publishedVersion < version;
  }
}
