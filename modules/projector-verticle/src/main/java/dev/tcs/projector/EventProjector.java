package dev.tcs.projector;

import dev.tcs.core.log.EventLog;
import dev.tcs.core.log.LogRecord;
import dev.tcs.core.log.RecordHandler;
import dev.tcs.core.model.CatalogueEvent;
import dev.tcs.core.model.ValidationException;
import dev.tcs.core.model.View;
import dev.tcs.core.model.ViewDefinitions;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles one catalogue events record: decodes it, projects it ({@link Projection}) and appends
 * its views to the views topic, keyed by tenant, one after the other in consumer order, so the
 * record is done only once all of them are durably appended.
 *
 * <p>A record that is not a valid {@link CatalogueEvent} is counted, WARN-logged with its
 * position and the rule it broke (never its content) and answered with success, so the log
 * moves past it. A failed append fails the returned future, so the log retries the whole record
 * (views already appended are appended again, identical: downstream is idempotent by version).
 *
 * <p>Never blocks. Thread-safe counters; the log calls it in order per partition.
 */
final class EventProjector implements RecordHandler {
  private static final Logger log = LoggerFactory.getLogger(EventProjector.class);

  private final ViewDefinitions definitions;
  private final EventLog eventLog;
  private final String viewsTopic;
  private final ProjectorMetrics metrics;
  private final Clock clock;
  private final LongAdder projected = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final LongAdder viewsPublished = new LongAdder();

  EventProjector(ViewDefinitions definitions, EventLog eventLog, String viewsTopic, ProjectorMetrics metrics, Clock clock) {
    this.definitions = definitions;
    this.eventLog = eventLog;
    this.viewsTopic = viewsTopic;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public Future<Void> handle(LogRecord record) {
    CatalogueEvent event = decode(record);
    if (event == null) {
      return Future.succeededFuture();
    }
    return publishViews(Projection.viewsOf(event, definitions)).onSuccess(done -> countProjected(event));
  }

  /** Records projected (valid events whose views were all appended) by this handler. */
  long projected() {
    return projected.sum();
  }

  /** Records rejected as invalid by this handler. */
  long rejected() {
    return rejected.sum();
  }

  /** Views appended by this handler, retries included. */
  long viewsPublished() {
    return viewsPublished.sum();
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

  private void reject(LogRecord record, String field, String reason) {
    rejected.increment();
    metrics.rejected();
    log.warn("record rejected position={} field={} reason={}", record.position(), field, reason);
  }

  private Future<Void> publishViews(List<View> views) {
    Future<Void> chain = Future.succeededFuture();
    for (View view : views) {
      chain = chain.compose(previous -> appendView(view));
    }
    return chain;
  }

  private Future<Void> appendView(View view) {
    return eventLog
        .append(viewsTopic, view.tenantId(), view.toBuffer())
        .onSuccess(
            appended -> {
              viewsPublished.increment();
              metrics.viewPublished();
            });
  }

  private void countProjected(CatalogueEvent event) {
    projected.increment();
    metrics.projected(Duration.between(event.occurredAt(), clock.instant()));
  }
}
