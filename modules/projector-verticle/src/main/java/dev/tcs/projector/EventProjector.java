package dev.tcs.projector;

import dev.tcs.core.log.Append;
import dev.tcs.core.log.BatchHandler;
import dev.tcs.core.log.EventLog;
import dev.tcs.core.log.LogRecord;
import dev.tcs.core.log.RecordHandler;
import dev.tcs.core.model.CatalogueEvent;
import dev.tcs.core.model.ValidationException;
import dev.tcs.core.model.View;
import dev.tcs.core.model.ViewDefinitions;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles catalogue events records a batch at a time: decodes each, projects it ({@link
 * Projection}), keeps only the newest view per {@code (tenant, consumer)} of the batch (readers
 * need versions that never go backwards, not every version), and hands those to its output: by
 * default appended to the views topic, keyed by tenant, all at once (the producer keeps their
 * order per key), the batch done once all of them are durably appended.
 *
 * <p>A record that is not a valid {@link CatalogueEvent}, or whose document cannot be projected,
 * is counted, WARN-logged with its position and the rule it broke (never its content) and
 * skipped; the rest of the batch is applied. A failed append fails the returned future, so the
 * log retries the whole batch (views already appended are appended again, identical:
 * downstream is idempotent by version).
 *
 * <p>Never blocks. Thread-safe counters; the log calls it in order per partition.
 */
final class EventProjector implements RecordHandler, BatchHandler {
  private static final Logger log = LoggerFactory.getLogger(EventProjector.class);

  /** What the CPU step of a batch produced. */
  record Projected(List<CatalogueEvent> events, Map<ViewId, View> newest) {}

  /** Where the views of a batch go. */
  @FunctionalInterface
  interface Output {
    Future<Void> accept(Collection<View> views);
  }

  private volatile ViewDefinitions definitions;
  private final ProjectorMetrics metrics;
  private final Clock clock;
  private final Output output;
  private final LongAdder projected = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final LongAdder viewsPublished = new LongAdder();

  EventProjector(ViewDefinitions definitions, EventLog eventLog, String viewsTopic, ProjectorMetrics metrics, Clock clock) {
    this.definitions = definitions;
    this.metrics = metrics;
    this.clock = clock;
    this.output = views -> appendAll(eventLog, viewsTopic, views);
  }

  EventProjector(ViewDefinitions definitions, Output output, ProjectorMetrics metrics, Clock clock) {
    this.definitions = definitions;
    this.metrics = metrics;
    this.clock = clock;
    this.output = output;
  }

  @Override
  public Future<Void> handle(LogRecord record) {
    return handle(List.of(record));
  }

  @Override
  public Future<Void> handle(List<LogRecord> records) {
    // Inline on the caller's context: measured against Vert.x's worker pool on this 2-core build
    // machine (BENCHMARKS.md), the hop per batch cost more than the second core gave.
    Projected projected = project(records);
    if (projected.newest().isEmpty()) {
      return Future.succeededFuture();
    }
    return output.accept(projected.newest().values()).onSuccess(done -> countProjected(projected));
  }

  /**
   * The CPU step alone, safe on any thread: decodes and projects {@code records} (rejecting,
   * counting and logging invalid ones) and keeps the newest view per {@code (tenant, consumer)}.
   * The caller hands the views on and then calls {@link #countProjected}.
   */
  Projected project(List<LogRecord> records) {
    Map<ViewId, View> newest = new LinkedHashMap<>();
    List<CatalogueEvent> events = new ArrayList<>(records.size());
    for (LogRecord record : records) {
      CatalogueEvent event = decode(record);
      List<View> views = event == null ? null : project(record, event);
      if (views == null) {
        continue;
      }
      events.add(event);
      for (View view : views) {
        newest.merge(new ViewId(view.tenantId(), view.consumer()), view, EventProjector::newer);
      }
    }
    return new Projected(events, newest);
  }

  /** The definitions it projects with. */
  ViewDefinitions definitions() {
    return definitions;
  }

  /** Projects every later batch with {@code newer}. */
  void useDefinitions(ViewDefinitions newer) {
    this.definitions = newer;
  }

  /** Records projected (valid events whose views were all handed to the output) by this handler. */
  long projected() {
    return projected.sum();
  }

  /** Records rejected as invalid by this handler. */
  long rejected() {
    return rejected.sum();
  }

  /** Views handed to the output by this handler (after coalescing), retries included. */
  long viewsPublished() {
    return viewsPublished.sum();
  }

  /** Of two views of one {@code (tenant, consumer)}, the newer by (version, revision); the later one on a tie. */
  static View newer(View a, View b) {
    if (a.version() != b.version()) {
      return a.version() > b.version() ? a : b;
    }
    return a.revision() > b.revision() ? a : b;
  }

  private CatalogueEvent decode(LogRecord record) {
    try {
      return CatalogueEvent.fromBuffer(record.value());
    } catch (ValidationException e) {
      reject(record, e.field(), e.getMessage());
    } catch (RuntimeException e) {
      reject(record, "event", e.getClass().getSimpleName());
    }
    return null;
  }

  /** The event's views; null (and the record rejected) if its document cannot be projected. */
  private List<View> project(LogRecord record, CatalogueEvent event) {
    try {
      return Projection.viewsOf(event, this.definitions);
    } catch (ValidationException e) {
      reject(record, e.field(), e.getMessage());
    } catch (RuntimeException e) {
      reject(record, "document", e.getClass().getSimpleName());
    }
    return null;
  }

  private void reject(LogRecord record, String field, String reason) {
    rejected.increment();
    metrics.rejected();
    log.warn("record rejected position={} field={} reason={}", record.position(), field, reason);
  }

  /** Appends every view at once; the producer keeps them in order per key (tenant). */
  static Future<Void> appendAll(EventLog eventLog, String viewsTopic, Collection<View> views) {
    List<Append> appends = new ArrayList<>(views.size());
    for (View view : views) {
      appends.add(new Append(view.tenantId(), view.toBuffer()));
    }
    return eventLog.appendAll(viewsTopic, appends);
  }

  /** Counts what {@link #project(List)} produced as projected, once its views are handed on. */
  void countProjected(Projected batch) {
    List<CatalogueEvent> events = batch.events();
    int views = batch.newest().size();
    viewsPublished.add(views);
    metrics.viewsPublished(views);
    Instant now = clock.instant();
    for (CatalogueEvent event : events) {
      projected.increment();
      metrics.projected(Duration.between(event.occurredAt(), now));
    }
  }

  /** The identity a view is coalesced by. */
  record ViewId(String tenantId, String consumer) {}
}
