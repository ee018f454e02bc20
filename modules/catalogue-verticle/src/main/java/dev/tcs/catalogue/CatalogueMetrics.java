package dev.tcs.catalogue;

import dev.tcs.core.metrics.Meters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The catalogue's meters and their names (core {@link Meters} convention: {@code
 * tcs.catalogue.<what>}, kebab-case tag values). One instance per deployed catalogue;
 * {@link #close()} removes its meters so a redeployment in the same registry reports fresh values.
 *
 * <ul>
 *   <li>{@value #WRITES} counter, tag {@code outcome} ({@link WriteOutcome}): every write request
 *       that passed authentication, by what it did
 *   <li>{@value #APPEND} timer (seconds, p50/p95/p99), tag {@code outcome} ({@link Append}): one
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

    /** Its tag value, kebab-case ({@code precondition-failed}). */
    public String tag() {
      return Meters.tag(this);
    }
  }

  /** How one conditional append ended; the {@code outcome} tag of {@value #APPEND}. */
  public enum Append { OK, CONFLICT, ERROR }

  private final Meters meters;
  private final Map<WriteOutcome, Counter> writes;
  private final Map<Append, Timer> appends;
  private final Counter published;
  private final Counter publishFailures;
  private final AtomicLong backlog = new AtomicLong();
  private final AtomicLong backlogAgeMillis = new AtomicLong();

  public CatalogueMetrics(MeterRegistry registry) {
    meters = new Meters(registry, "catalogue");
    writes = meters.counters(WriteOutcome.class, "writes", "Catalogue write requests by outcome", "outcome");
    appends =
        meters.timers(
            Append.class, "append", "Conditional appends (one DynamoDB transaction) to the event store", "outcome", b -> b.publishPercentiles(0.5, 0.95, 0.99));
    published = meters.counter("outbox.published", "Catalogue events handed to the event log by the outbox relay");
    publishFailures = meters.counter("outbox.publish.failures", "Appends of catalogue events to the event log that failed");
    meters.gauge("outbox.backlog", "Tenants with committed but unpublished events, as of the last outbox sweep", "tenants", backlog::doubleValue);
    meters.gauge("outbox.age", "Age of the oldest committed but unpublished event, as of the last outbox sweep", "seconds", () -> backlogAgeMillis.get() / 1000.0);
  }

  public void write(WriteOutcome outcome) {
    writes.get(outcome).increment();
  }

  /** Records one append and how it ended. */
  public void append(Append outcome, long nanos) {
    appends.get(outcome).record(nanos, TimeUnit.NANOSECONDS);
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

  /** Removes this instance's meters from the registry (the catalogue was undeployed). */
  public void close() {
    meters.close();
  }
}
