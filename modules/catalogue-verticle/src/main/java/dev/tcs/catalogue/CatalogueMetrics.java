package dev.tcs.catalogue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The catalogue's meters and their names. One instance per deployed catalogue; {@link #close()}
 * removes its gauges so a redeployment in the same registry reports fresh values.
 *
 * <ul>
 *   <li>{@value #WRITES} counter, tag {@code outcome} ({@link WriteOutcome}): every write request
 *       that passed authentication, by what it did
 *   <li>{@value #APPEND} timer (seconds, p50/p95/p99), tag {@code outcome=ok|conflict|error}: one
 *       conditional append transaction to the event store
 *   <li>{@value #PUBLISHED} counter: events the outbox relay handed to the event log
 *   <li>{@value #PUBLISH_FAILURES} counter: appends to the event log that failed (Kafka down)
 *   <li>{@value #BACKLOG} gauge: tenants with unpublished events, as of the relay's last sweep
 *   <li>{@value #BACKLOG_AGE} gauge (seconds): age of the oldest unpublished event, as of the
 *       relay's last sweep
 * </ul>
 */
public final class CatalogueMetrics {
  public static final String WRITES = "tcs.catalogue.writes";
  public static final String APPEND = "tcs.catalogue.append";
  public static final String PUBLISHED = "tcs.catalogue.outbox.published";
  public static final String PUBLISH_FAILURES = "tcs.catalogue.outbox.publish.failures";
  public static final String BACKLOG = "tcs.catalogue.outbox.backlog";
  public static final String BACKLOG_AGE = "tcs.catalogue.outbox.age";

  /** What a write request did; the {@code outcome} tag of {@value #WRITES}. */
  public enum WriteOutcome {
    CREATED,
    UPDATED,
    DELETED,
    RESTORED,
    UNCHANGED,
    /** 404: the tenant does not exist (PATCH, DELETE, restore). */
    NOT_FOUND,
    /** 409: a host of another tenant, or concurrent writers won every attempt. */
    CONFLICT,
    /** 412: If-Match / If-None-Match did not hold. */
    PRECONDITION_FAILED,
    /** 400, 413, 415: bad input, nothing stored. */
    INVALID,
    /** 5xx: the store failed. */
    ERROR;

    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final MeterRegistry registry;
  private final Counter[] writes = new Counter[WriteOutcome.values().length];
  private final Timer appendOk;
  private final Timer appendConflict;
  private final Timer appendError;
  private final Counter published;
  private final Counter publishFailures;
  private final AtomicLong backlog = new AtomicLong();
  private final AtomicLong backlogAgeMillis = new AtomicLong();
  private final Gauge backlogGauge;
  private final Gauge backlogAgeGauge;

  public CatalogueMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (WriteOutcome outcome : WriteOutcome.values()) {
      writes[outcome.ordinal()] =
          Counter.builder(WRITES)
              .description("Catalogue write requests by outcome")
              .tag("outcome", outcome.tag())
              .register(registry);
    }
    appendOk = appendTimer(registry, "ok");
    appendConflict = appendTimer(registry, "conflict");
    appendError = appendTimer(registry, "error");
    published =
        Counter.builder(PUBLISHED)
            .description("Catalogue events handed to the event log by the outbox relay")
            .baseUnit("events")
            .register(registry);
    publishFailures =
        Counter.builder(PUBLISH_FAILURES)
            .description("Appends of catalogue events to the event log that failed")
            .register(registry);
    backlogGauge =
        Gauge.builder(BACKLOG, backlog, AtomicLong::doubleValue)
            .description("Tenants with committed but unpublished events, as of the last outbox sweep")
            .baseUnit("tenants")
            .strongReference(true)
            .register(registry);
    backlogAgeGauge =
        Gauge.builder(BACKLOG_AGE, backlogAgeMillis, millis -> millis.get() / 1000.0)
            .description("Age of the oldest committed but unpublished event, as of the last outbox sweep")
            .baseUnit("seconds")
            .strongReference(true)
            .register(registry);
  }

  private static Timer appendTimer(MeterRegistry registry, String outcome) {
    return Timer.builder(APPEND)
        .description("Conditional appends (one DynamoDB transaction) to the event store")
        .tag("outcome", outcome)
        .publishPercentiles(0.5, 0.95, 0.99)
        .register(registry);
  }

  public void write(WriteOutcome outcome) {
    writes[outcome.ordinal()].increment();
  }

  /** Records one append: {@code outcome} is {@code ok}, {@code conflict} or {@code error}. */
  public void append(String outcome, long nanos) {
    Timer timer =
        switch (outcome) {
          case "ok" -> appendOk;
          case "conflict" -> appendConflict;
          default -> appendError;
        };
    timer.record(Duration.ofNanos(nanos));
  }

  public void published() {
    published.increment();
  }

  public void publishFailed() {
    publishFailures.increment();
  }

  /** Sets the backlog gauges from the outbox relay's latest sweep. */
  public void backlog(long tenants, Duration oldestAge) {
    backlog.set(tenants);
    backlogAgeMillis.set(Math.max(0, oldestAge.toMillis()));
  }

  /** Removes this instance's gauges from the registry. */
  public void close() {
    registry.remove(backlogGauge);
    registry.remove(backlogAgeGauge);
  }
}
