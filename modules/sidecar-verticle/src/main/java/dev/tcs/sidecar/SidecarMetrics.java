package dev.tcs.sidecar;

import dev.tcs.core.metrics.Meters;
import dev.tcs.core.read.InvalidationReceiver.Flush;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The sidecar's meter names and its meters, built once per sidecar on the process registry with
 * core {@link Meters} ({@code tcs.sidecar.<what>}, kebab-case tag values) and removed from it by
 * {@link #close()} when the sidecar is undeployed. No tenant id or host ever becomes a tag;
 * {@code region} is one of the few configured regions.
 *
 * <ul>
 *   <li>{@value #READS}{@code {outcome=hit|miss|stale|error}}: reads answered to the application,
 *       and {@value #READ_LATENCY}{@code {outcome}}: their latency, from a verified token to the answer
 *   <li>{@value #REGION_REQUESTS}{@code {region, outcome=ok|error|timeout|rejected|cancelled}} and
 *       {@value #REGION_LATENCY}{@code {region, outcome}}: what each region lane did
 *   <li>{@value #REGION_IN_FLIGHT}{@code {region}}: requests a lane holds now
 *   <li>{@value #HEDGE_WINS}{@code {region, role=primary|secondary}}: whose answer was used
 *   <li>{@value #INVALIDATIONS}{@code {outcome=applied|ignored|rejected}}: messages received
 *   <li>{@value #CACHE_FLUSHES}{@code {reason=gap|failed|cancelled|reconnect}}: whole-cache flushes
 *   <li>{@value #CACHE_ADMISSIONS}{@code {outcome=stored|uncached|kept-newer|refused}}: what the
 *       version rules did with a region's answer
 *   <li>{@value #CACHE_SIZE}: entries held
 *   <li>{@value #PREFETCH}{@code {outcome=loaded|absent|cached|failed}}: tenants the start-up
 *       prefetch loaded (a value stored), found without a value (404/403), found already cached, or
 *       could not load; not counted in {@value #READS}
 *   <li>{@value #REFRESH}{@code {outcome=loaded|cached|failed|no-token|shed}}: keys an invalidation
 *       dropped and the sidecar loaded again in the background (loaded; already loaded by a read;
 *       no region answered the new version; the consumer has no token that still verifies; too
 *       many refreshes at once); not counted in {@value #READS}
 *   <li>{@value #SUPERSEDED_HITS}: hits (fast path; also in {@value #READS}) answered with a value
 *       an invalidation superseded, while its refresh ran, within {@code refresh-grace}
 *   <li>{@value #REGION_EWMA}{@code {region}} (seconds): the latency EWMA adaptive routing ranks by;
 *       {@value #PRIMARY}{@code {region}}: 1 for the region now chosen as primary, else 0;
 *       {@value #REGION_EJECTIONS}{@code {region}}: times a failing region was ejected;
 *       {@value #REGION_EJECTED}{@code {region}}: 1 while it is ejected, else 0;
 *       {@value #REGION_LIMIT}{@code {region}}: a lane's adaptive concurrency limit
 * </ul>
 *
 * Thread-safe.
 */
public final class SidecarMetrics implements AutoCloseable {
  public static final String READS = "tcs.sidecar.reads";
  public static final String READ_LATENCY = "tcs.sidecar.read.latency";
  public static final String REGION_REQUESTS = "tcs.sidecar.region.requests";
  public static final String REGION_LATENCY = "tcs.sidecar.region.latency";
  public static final String REGION_IN_FLIGHT = "tcs.sidecar.region.in.flight";
  public static final String HEDGE_WINS = "tcs.sidecar.hedge.wins";
  public static final String INVALIDATIONS = "tcs.sidecar.invalidations";
  public static final String CACHE_FLUSHES = "tcs.sidecar.cache.flushes";
  public static final String CACHE_ADMISSIONS = "tcs.sidecar.cache.admissions";
  public static final String CACHE_SIZE = "tcs.sidecar.cache.size";
  public static final String REGION_EWMA = "tcs.sidecar.region.latency.ewma";
  public static final String PRIMARY = "tcs.sidecar.primary";
  public static final String REGION_EJECTIONS = "tcs.sidecar.region.ejections";
  public static final String REGION_LIMIT = "tcs.sidecar.region.limit";
  public static final String REGION_EJECTED = "tcs.sidecar.region.ejected";
  public static final String PREFETCH = "tcs.sidecar.prefetch";
  public static final String REFRESH = "tcs.sidecar.refresh";
  public static final String SUPERSEDED_HITS = "tcs.sidecar.reads.superseded";

  /** How a read was answered to the application. */
  public enum Read { HIT, MISS, STALE, ERROR }

  /** How one request of one region lane ended. */
  public enum RegionOutcome { OK, ERROR, TIMEOUT, REJECTED, CANCELLED }

  /** What an invalidation message did. */
  public enum InvalidationOutcome { APPLIED, IGNORED, REJECTED, FORGED }

  /** What the version rules did with a region's answer. */
  public enum Admission { STORED, UNCACHED, KEPT_NEWER, REFUSED }

  /** What the start-up prefetch of one tenant did. */
  public enum Prefetch { LOADED, ABSENT, CACHED, FAILED }

  /** What the background refresh of one key an invalidation dropped did. */
  public enum Refresh { LOADED, CACHED, FAILED, NO_TOKEN, SHED }

  private final Meters meters;
  private final Map<Read, Counter> reads;
  private final Map<Read, Timer> readLatency;
  private final Map<InvalidationOutcome, Counter> invalidations;
  private final Map<Flush, Counter> flushes;
  private final Map<Admission, Counter> admissions;
  private final Map<Prefetch, Counter> prefetches;
  private final Map<Refresh, Counter> refreshes;
  private final Counter supersededHits;
  private final Map<String, Counter> hedgeWins = new ConcurrentHashMap<>();
  private final Map<String, Counter> ejections = new ConcurrentHashMap<>();

  public SidecarMetrics(MeterRegistry registry) {
    this.meters = new Meters(registry, "sidecar");
    this.reads = meters.counters(Read.class, "reads", "Reads answered to the application, by how they were answered", "outcome");
    this.readLatency =
        meters.timers(
            Read.class,
            "read.latency",
            "Time from a verified token to the sidecar's answer, by how it was answered",
            "outcome",
            b -> b.publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(1_000)).maximumExpectedValue(Duration.ofSeconds(10)));
    this.invalidations = meters.counters(InvalidationOutcome.class, "invalidations", "Invalidation messages received from the home region", "outcome");
    this.flushes = meters.counters(Flush.class, "cache.flushes", "Whole-cache flushes after invalidations may have been lost", "reason");
    this.admissions = meters.counters(Admission.class, "cache.admissions", "Region answers judged by the version rules", "outcome");
    this.prefetches = meters.counters(Prefetch.class, "prefetch", "Tenants loaded by the start-up prefetch, by outcome", "outcome");
    this.supersededHits = meters.counter("reads.superseded", "Hits (fast path) answered with a value an invalidation superseded, during its refresh's grace");
    this.refreshes = meters.counters(Refresh.class, "refresh", "Keys an invalidation dropped, loaded again in the background, by outcome", "outcome");
  }

  /** Counts a read answered to the application; {@code startNanos} is its {@link System#nanoTime()} at the start. */
  public void read(Read outcome, long startNanos) {
    reads.get(outcome).increment();
    readLatency.get(outcome).record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }

  public void invalidation(InvalidationOutcome outcome) {
    invalidations.get(outcome).increment();
  }

  public void flush(Flush reason) {
    flushes.get(reason).increment();
  }

  public void admission(Admission outcome) {
    admissions.get(outcome).increment();
  }

  public void prefetched(Prefetch outcome) {
    prefetches.get(outcome).increment();
  }

  /** Counts a hit (also counted in {@value #READS}) answered with a superseded value during its refresh's grace. */
  public void supersededHit() {
    supersededHits.increment();
  }

  public void refreshed(Refresh outcome) {
    refreshes.get(outcome).increment();
  }

  /** Counts an answer of {@code region} used for a read; {@code primary} tells its role. */
  public void hedgeWin(String region, boolean primary) {
    String role = primary ? "primary" : "secondary";
    hedgeWins
        .computeIfAbsent(region + "/" + role, key -> meters.counter("hedge.wins", "Misses answered with this region's answer", "region", region, "role", role))
        .increment();
  }

  /** Publishes the number of cached entries; {@code size} is read at scrape time. */
  public void cacheSize(Supplier<Number> size) {
    meters.gauge("cache.size", "Entries held by the sidecar cache", null, size);
  }

  /**
   * Publishes adaptive routing's view of {@code region}: its EWMA (nanos, NaN before a sample),
   * whether it is primary, and whether it is ejected now.
   */
  public void routing(String region, Supplier<Number> ewmaNanos, Supplier<Boolean> primary, Supplier<Boolean> ejected) {
    meters.gauge("region.latency.ewma", "Latency EWMA of a region as adaptive routing ranks it", "seconds", () -> ewmaNanos.get().doubleValue() / 1e9, "region", region);
    meters.gauge("primary", "1 for the region chosen as primary, else 0", null, () -> primary.get() ? 1 : 0, "region", region);
    meters.gauge("region.ejected", "1 while adaptive routing has ejected the region (back-off or probe), else 0", null, () -> ejected.get() ? 1 : 0, "region", region);
  }

  /** Counts an ejection of a failing region. */
  public void ejected(String region) {
    ejections.computeIfAbsent(region, r -> meters.counter("region.ejections", "Times a failing region was ejected from routing", "region", r)).increment();
  }

  /** Publishes a lane's adaptive concurrency limit. */
  public void laneLimit(String region, Supplier<Number> limit) {
    meters.gauge("region.limit", "A region lane's adaptive concurrency limit", null, limit, "region", region);
  }

  /** The meters of one region lane. */
  public RegionMeters region(String region, Supplier<Number> inFlight) {
    meters.gauge("region.in.flight", "Requests a region lane holds now", null, inFlight, "region", region);
    return new RegionMeters(region);
  }

  /** Counters and latency timers of one region, by outcome. Thread-safe. */
  public final class RegionMeters {
    private final Map<RegionOutcome, Counter> requests;
    private final Map<RegionOutcome, Timer> latency;

    private RegionMeters(String region) {
      requests = meters.counters(RegionOutcome.class, "region.requests", "Requests a region lane made or refused, by outcome", "outcome", "region", region);
      latency =
          meters.timers(
              RegionOutcome.class,
              "region.latency",
              "Time from a lane accepting a request to its end, by outcome",
              "outcome",
              b -> b.publishPercentiles(0.5, 0.99).publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10)),
              "region",
              region);
    }

    /** Counts an outcome; {@code nanos} is its latency, or negative when there is none (rejected). */
    public void record(RegionOutcome outcome, long nanos) {
      requests.get(outcome).increment();
      if (nanos >= 0) {
        latency.get(outcome).record(nanos, TimeUnit.NANOSECONDS);
      }
    }
  }

  /** Removes every sidecar meter from the registry (the sidecar was undeployed). */
  @Override
  public void close() {
    meters.close();
  }

  /** {@code KEPT_NEWER} becomes {@code kept-newer} (core {@link Meters#tag}). */
  public static String tag(Enum<?> value) {
    return Meters.tag(value);
  }
}
