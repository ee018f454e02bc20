package dev.tcs.core.security;

import dev.tcs.core.log.LogRecord;
import dev.tcs.core.log.RecordHandler;
import dev.tcs.core.model.ValidationException;
import dev.tcs.core.model.View;
import dev.tcs.core.model.ViewDefinitions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stands in front of a region's ingest: a record of the views topic reaches it only when its
 * {@link ViewTags tag} is right and its body holds nothing beyond what the consumer's definition
 * allows (its slice of itself is itself; a consumer not defined here may have no view at all; a
 * deletion has an empty body). Anything else is dropped, counted ({@code onForged},
 * {@code onOverreach}) and logged with its position, never retried. A record that is not a view at
 * all passes on, so the ingester rejects and counts it as before.
 */
public final class ViewGuard implements RecordHandler {
  private static final Logger log = LoggerFactory.getLogger(ViewGuard.class);

  private final Hmac key;
  private final ViewDefinitions definitions;
  private final RecordHandler next;
  private final Runnable onForged;
  private final Runnable onOverreach;
  private final String region;

  public ViewGuard(Hmac key, ViewDefinitions definitions, RecordHandler next, Runnable onForged, Runnable onOverreach, String region) {
    this.key = key;
    this.definitions = definitions;
    this.next = next;
    this.onForged = onForged;
    this.onOverreach = onOverreach;
    this.region = region;
  }

  @Override
  public Future<Void> handle(LogRecord record) {
    JsonObject json;
    try {
      json = ViewTags.verify(key, record.value());
    } catch (ValidationException e) {
      if (!e.field().equals(ViewTags.FIELD)) {
        return next.handle(record);
      }
      onForged.run();
      log.warn("view dropped region={} position={} reason={}", region, record.position(), e.getMessage());
      return Future.succeededFuture();
    }
    View view;
    try {
      view = View.fromJson(json);
    } catch (ValidationException e) {
      return next.handle(record);
    }
    if (!allowed(view)) {
      onOverreach.run();
      log.warn("view dropped region={} position={} consumer={} reason=body holds more than the consumer's definition allows", region, record.position(), view.consumer());
      return Future.succeededFuture();
    }
    return next.handle(record);
  }

  /** True when {@code view}'s body is exactly its consumer's slice of itself. */
  boolean allowed(View view) {
    if (view.deleted()) {
      return view.body().isEmpty();
    }
    if (!definitions.hasView(view.consumer()) || !view.tenantId().equals(view.body().getValue("tenantId"))) {
      return false;
    }
    return definitions.slice(view.consumer(), view.body()).equals(view.body());
  }
}
