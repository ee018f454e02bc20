package dev.tcs.projector;

import dev.tcs.core.model.CatalogueEvent;
import dev.tcs.core.model.Hosts;
import dev.tcs.core.model.View;
import dev.tcs.core.model.ViewDefinitions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The pure step of the projector: one catalogue event to one {@link View} per consumer declared
 * in the view definitions, in their declared order. The same event and definitions always give
 * the same views, so reprocessing an event is harmless (downstream keeps only newer versions).
 */
final class Projection {
  private Projection() {}

  /**
   * The views of {@code event}: for a change, each consumer's slice of the document, keyed by the
   * document's hosts; for a deletion, a tombstone per consumer ({@code deleted}, empty body, no
   * keys). Each carries the event's version and the definitions' revision.
   */
  static List<View> viewsOf(CatalogueEvent event, ViewDefinitions definitions) {
    List<View> views = new ArrayList<>(definitions.consumers().size());
    List<String> hosts = event.isDeletion() ? List.of() : Hosts.fromJson("hosts", event.document().getValue("hosts"));
    for (String consumer : definitions.consumers()) {
      JsonObject body = event.isDeletion() ? new JsonObject() : definitions.slice(consumer, event.document());
      views.add(new View(event.tenantId(), consumer, event.version(), definitions.revision(), hosts, event.isDeletion(), body));
    }
    return List.copyOf(views);
  }
}
