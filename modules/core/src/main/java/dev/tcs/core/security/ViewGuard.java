package dev.tcs.core.security;

import dev.tcs.core.log.BatchHandler;
import dev.tcs.core.log.LogRecord;
import dev.tcs.core.model.ValidationException;
import dev.tcs.core.model.View;
import dev.tcs.core.model.ViewDefinitions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stands in front of a region's ingest, a batch at a time: a record of the views topic reaches
 * it only when its {@link ViewTags tag} is right and its body holds nothing beyond what the
 * consumer's definition of the view's revision allows (its slice of itself is itself; a consumer
 * not defined there may have no view at all; a deletion has an empty body). Anything else is
 * dropped, counted ({@code onForged}, {@code onOverreach}) and logged with its position, never
 * retried; the rest of the batch is handed on in order. A record that is not a view at all passes
 * on, so the ingester rejects and counts it as before. A tagged view of a revision newer than
 * every {@link KnownDefinitions known} one fails the batch (retried by the log after a backoff)
 * until that revision's signed definitions arrive on the definitions topic, so a replay with new
 * definitions is not dropped as overreach.
 */
public final class ViewGuard implements BatchHandler {
  private static final Logger log = LoggerFactory.getLogger(ViewGuard.class);

  private enum Verdict { PASS, DROP, WAIT }

  private final Hmac key;
  private final KnownDefinitions definitions;
  private final BatchHandler next;
  private final Runnable onForged;
  private final Runnable onOverreach;
  private final String region;

  private ViewGuard(Hmac key, KnownDefinitions definitions, BatchHandler next, Runnable onForged, Runnable onOverreach, String region) {
    this.key = key;
    this.definitions = definitions;
    this.next = next;
    this.onForged = onForged;
    this.onOverreach = onOverreach;
    this.region = region;
  }

  /** A guard handing what passes to {@code next} (the region's ingest, behind its chaos controls). */
  public static BatchHandler inFrontOf(
      BatchHandler next, Hmac key, KnownDefinitions definitions, Runnable onForged, Runnable onOverreach, String region) {
    return new ViewGuard(key, definitions, next, onForged, onOverreach, region);
  }

  @Override
  public Future<Void> handle(List<LogRecord> records) {
    List<LogRecord> admitted = new ArrayList<>(records.size());
    for (LogRecord record : records) {
      Verdict verdict = check(record);
      if (verdict == Verdict.WAIT) {
        return Future.failedFuture(
            new IllegalStateException("view at " + record.position() + " has a definitions revision newer than " + definitions.newestRevision()
                + "; waiting for its signed definitions on the definitions topic"));
      }
      if (verdict == Verdict.PASS) {
        admitted.add(record);
      }
    }
    return admitted.isEmpty() ? Future.succeededFuture() : next.handle(admitted);
  }

  private Verdict check(LogRecord record) {
    JsonObject json;
    try {
      json = ViewTags.verify(key, record.value());
    } catch (ValidationException e) {
      if (!e.field().equals(ViewTags.FIELD)) {
        return Verdict.PASS;
      }
      onForged.run();
      log.warn("view dropped region={} position={} reason={}", region, record.position(), e.getMessage());
      return Verdict.DROP;
    }
    View view;
    try {
      view = View.fromJson(json);
    } catch (ValidationException e) {
      return Verdict.PASS;
    }
    Optional<ViewDefinitions> ofRevision = definitions.forRevision(view.revision());
    if (ofRevision.isEmpty()) {
      return Verdict.WAIT;
    }
    if (!allowed(ofRevision.get(), view)) {
      onOverreach.run();
      log.warn("view dropped region={} position={} consumer={} revision={} reason=body holds more than the consumer's definition allows",
          region, record.position(), view.consumer(), view.revision());
      return Verdict.DROP;
    }
    return Verdict.PASS;
  }

  /** True when {@code view}'s body is exactly its consumer's slice of itself under {@code definitions}. */
  static boolean allowed(ViewDefinitions definitions, View view) {
    if (view.deleted()) {
      return view.body().isEmpty();
    }
    if (!definitions.hasView(view.consumer()) || !view.tenantId().equals(view.body().getValue("tenantId"))) {
      return false;
    }
    return definitions.slice(view.consumer(), view.body()).equals(view.body());
  }
}
