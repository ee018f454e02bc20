package dev.tcs.region;

import dev.tcs.core.metrics.Meters;
import dev.tcs.core.read.InvalidationReceiver.Flush;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Every meter of one region (core {@link Meters} convention: {@code tcs.region.<what>}, kebab-case
 * tag values), each tagged {@code region=<name>} so several regions can share one registry (the
 * demo runs three in one JVM). Built once per deployment; {@link #close()} removes its meters so a
 * redeployed region starts clean. Counters are resolved here once, so the read path only
 * increments.
 *
 * <ul>
 *   <li>{@value #READS}{@code {outcome=hit|miss|not-found|forbidden|unauthorized|bad-request|error}}
 *       and {@value #READ_LATENCY}: reads answered, and the time to answer them
 *   <li>{@value #INGEST_VIEWS}{@code {outcome=applied|stale|rejected|coalesced|forged|overreach}} and {@value #INGEST_LAG}:
 *       views taken from the views topic ({@code coalesced}: a newer one of the same batch won;
 *       {@code forged}/{@code overreach}: dropped by the view guard), and their lag from the log
 *       timestamp to the table
 *   <li>{@value #INVALIDATIONS_SENT}{@code {outcome=published|dropped|failed}},
 *       {@value #INVALIDATIONS_RECEIVED}{@code {outcome=applied|rejected|forged}},
 *       {@value #INVALIDATIONS_QUEUED}: the invalidation topic, both ways
 *   <li>{@value #CACHE_FLUSHES}{@code {reason=gap|failed|cancelled|reconnect}} and
 *       {@value #CACHE_SIZE}: the L1 cache
 *   <li>{@value #CHAOS_FAULTS}{@code {fault=read-reset|read-delayed|ingest-held|ingest-delayed|invalidation-dropped|dynamo-failed}}:
 *       faults injected by the chaos controls (registered only when chaos is enabled)
 * </ul>
 */
public final class RegionMetrics implements AutoCloseable {
  public static final String READS = "tcs.region.reads";
  public static final String READ_LATENCY = "tcs.region.read.latency";
  public static final String INGEST_VIEWS = "tcs.region.ingest.views";
  public static final String INGEST_LAG = "tcs.region.ingest.lag";
  public static final String INVALIDATIONS_SENT = "tcs.region.invalidations.sent";
  public static final String INVALIDATIONS_RECEIVED = "tcs.region.invalidations.received";
  public static final String INVALIDATIONS_QUEUED = "tcs.region.invalidations.queued";
  public static final String CACHE_FLUSHES = "tcs.region.cache.flushes";
  public static final String CACHE_SIZE = "tcs.region.cache.size";
  public static final String CHAOS_FAULTS = "tcs.region.chaos.faults";
  public static final String CHAOS_ENABLED = "tcs.region.chaos.enabled";
  public static final String CHAOS_ACTIVE = "tcs.region.chaos.active";

  /** How a read was answered. */
  public enum Read { HIT, MISS, NOT_FOUND, FORBIDDEN, UNAUTHORIZED, BAD_REQUEST, ERROR }

  /**
   * What ingest did with a view record ({@code COALESCED}: a newer view of the same key in the same
   * batch won; {@code FORGED}: wrong or missing tag; {@code OVERREACH}: more than its consumer's definition allows).
   */
  public enum Ingest { APPLIED, STALE, REJECTED, COALESCED, FORGED, OVERREACH }

  /** What became of an invalidation this node sent. */
  public enum Sent { PUBLISHED, DROPPED, FAILED }

  /** What became of an invalidation this node received. */
  public enum Received { APPLIED, REJECTED, FORGED }

  /** A fault the chaos controls injected. */
  public enum Fault { READ_RESET, READ_DELAYED, INGEST_HELD, INGEST_DELAYED, INVALIDATION_DROPPED, DYNAMO_FAILED }

  /** A fault the chaos controls are set to inject now (the state behind {@link Fault}'s counts). */
  public enum ActiveFault { READ_OFF, READ_LATENCY, INGEST_PAUSED, INGEST_DELAY, INVALIDATIONS_DROPPED, DYNAMO_FAILURES }

  private final Meters meters;
  private final Map<Read, Counter> reads;
  private final Timer readLatency;
  private final Map<Ingest, Counter> ingest;
  private final Timer ingestLag;
  private final Map<Sent, Counter> sent;
  private final Map<Received, Counter> received;
  private final Map<Flush, Counter> flushes;

  public RegionMetrics(MeterRegistry registry, String region) {
    meters = new Meters(registry, "region", "region", region);
    reads = meters.counters(Read.class, "reads", "Context reads answered by the region", "outcome");
    readLatency = meters.latency("read.latency", "Time to answer a context read", Duration.ofNanos(10_000), Duration.ofSeconds(5));
    ingest = meters.counters(Ingest.class, "ingest.views", "Views taken from the views topic", "outcome");
    ingestLag = meters.latency("ingest.lag", "Time from a view's log timestamp to its write in the region's table", Duration.ofMillis(1), Duration.ofMinutes(10));
    sent = meters.counters(Sent.class, "invalidations.sent", "Invalidations handed to the region's Hazelcast topic", "outcome");
    received = meters.counters(Received.class, "invalidations.received", "Invalidations read from the region's Hazelcast topic", "outcome");
    flushes = meters.counters(Flush.class, "cache.flushes", "Whole-cache flushes after invalidations may have been lost", "reason");
  }

  /** Counts a read and records its latency; {@code startNanos} is its {@link System#nanoTime()} at the start. */
  public void read(Read outcome, long startNanos) {
    reads.get(outcome).increment();
    readLatency.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }

  public void ingest(Ingest outcome) {
    ingest.get(outcome).increment();
  }

  public void ingestLag(long millis) {
    ingestLag.record(millis, TimeUnit.MILLISECONDS);
  }

  public void invalidationSent(Sent outcome) {
    sent.get(outcome).increment();
  }

  public void invalidationReceived(Received outcome) {
    received.get(outcome).increment();
  }

  public void cacheFlushed(Flush reason) {
    flushes.get(reason).increment();
  }

  /** Registers the cache size gauge over {@code size}. */
  public void gaugeCacheSize(Supplier<Number> size) {
    meters.gauge("cache.size", "Entries in the region's L1 cache (estimate)", null, size);
  }

  /** Registers the publish queue depth gauge over {@code depth}. */
  public void gaugeQueue(Supplier<Number> depth) {
    meters.gauge("invalidations.queued", "Invalidations waiting to be published", null, depth);
  }

  /** Registers the counters of injected chaos faults (only when chaos is enabled). */
  public Map<Fault, Counter> chaosFaults() {
    return meters.counters(Fault.class, "chaos.faults", "Faults injected by the chaos controls", "fault");
  }

  /**
   * Registers the chaos state gauges (only when chaos is enabled): {@value #CHAOS_ENABLED} is 1, and
   * {@value #CHAOS_ACTIVE}{@code {fault}} is 1 while {@code active} says that fault is set, else 0.
   */
  public void gaugeChaos(Predicate<ActiveFault> active) {
    meters.gauge("chaos.enabled", "1 where the chaos controls are enabled (an admin token can inject faults)", null, () -> 1);
    for (ActiveFault fault : ActiveFault.values()) {
      meters.gauge("chaos.active", "1 while the chaos controls are set to inject this fault, else 0", null, () -> active.test(fault) ? 1 : 0, "fault", Meters.tag(fault));
    }
  }

  /** Removes this region's meters from the registry. */
  @Override
  public void close() {
    meters.close();
  }
}
