package dev.tcs.sidecar;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The sidecar's meter names and its meters, built once per sidecar on the process registry. No
 * tenant id or host ever becomes a tag; {@code region} is one of the few configured regions.
 *
 * <ul>
 *   <li>{@value #READS}{@code {outcome=hit|miss|stale|error}}: reads answered to the application,
 *       and {@value #READ_LATENCY}{@code {outcome}}: their latency, from a verified token to the answer
 *   <li>{@value #REGION_REQUESTS}{@code {region, outcome=ok|error|timeout|rejected|cancelled}} and
 *       {@value #REGION_LATENCY}{@code {region, outcome}}: what each region lane did
 *   <li>{@value #REGION_IN_FLIGHT}{@code {region}}: requests a lane holds now
 *   <li>{@value #HEDGE_WINS}{@code {region, role=primary|secondary}}: whose answer was used
 *   <li>{@value #INVALIDATIONS}{@code {outcome=applied|ignored|rejected}}: messages received
 *   <li>{@value #CACHE_FLUSHES}{@code {reason=gap|reconnect|cancelled}}: whole-cache flushes
 *   <li>{@value #CACHE_ADMISSIONS}{@code {outcome=stored|uncached|kept-newer|refused}}: what the
 *       version rules did with a region's answer
 *   <li>{@value #CACHE_SIZE}: entries held
 * </ul>
 *
 * Thread-safe.
 */
public final class SidecarMetrics {
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

  /** How a read was answered to the application. */
  public enum Read { HIT, MISS, STALE, ERROR }

  /** How one request of one region lane ended. */
  public enum RegionOutcome { OK, ERROR, TIMEOUT, REJECTED, CANCELLED }

  /** What an invalidation message did. */
  public enum InvalidationOutcome { APPLIED, IGNORED, REJECTED, FORGED }

  /** Why the whole cache was flushed. */
  public enum FlushReason { GAP, RECONNECT, CANCELLED }

  /** What the version rules did with a region's answer. */
  public enum Admission { STORED, UNCACHED, KEPT_NEWER, REFUSED }

  private final MeterRegistry registry;
  private final Map<Read, Counter> reads;
  private final Map<Read, Timer> readLatency = new EnumMap<>(Read.class);
  private final Map<InvalidationOutcome, Counter> invalidations;
  private final Map<FlushReason, Counter> flushes;
  private final Map<Admission, Counter> admissions;

  public SidecarMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.reads = counters(Read.class, READS, "outcome", "Reads answered to the application, by how they were answered");
    this.invalidations = counters(InvalidationOutcome.class, INVALIDATIONS, "outcome", "Invalidation messages received from the home region");
    this.flushes = counters(FlushReason.class, CACHE_FLUSHES, "reason", "Whole-cache flushes after invalidations may have been lost");
    this.admissions = counters(Admission.class, CACHE_ADMISSIONS, "outcome", "Region answers judged by the version rules");
    for (Read outcome : Read.values()) {
      readLatency.put(
          outcome,
          Timer.builder(READ_LATENCY)
              .description("Time from a verified token to the sidecar's answer, by how it was answered")
              .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
              .publishPercentileHistogram()
              .minimumExpectedValue(Duration.ofNanos(1_000))
              .maximumExpectedValue(Duration.ofSeconds(10))
              .register(registry));
    }
  }

  /** Counts a read answered to the application; {@code startNanos} is its {@link System#nanoTime()} at the start. */
  public void read(Read outcome, long startNanos) {
    reads.get(outcome).increment();
    readLatency.get(outcome).record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }

  public void invalidation(InvalidationOutcome outcome) {
    invalidations.get(outcome).increment();
  }

  public void flush(FlushReason reason) {
    flushes.get(reason).increment();
  }

  public void admission(Admission outcome) {
    admissions.get(outcome).increment();
  }

  /** Counts an answer of {@code region} used for a read; {@code primary} tells its role. */
  public void hedgeWin(String region, boolean primary) {
    Counter.builder(HEDGE_WINS)
        .description("Misses answered with this region's answer")
        .tag("region", region)
        .tag("role", primary ? "primary" : "secondary")
        .register(registry)
        .increment();
  }

  /** Publishes the number of cached entries; {@code size} is read at scrape time. */
  public void cacheSize(Supplier<Number> size) {
    Gauge.builder(CACHE_SIZE, size).description("Entries held by the sidecar cache").register(registry);
  }

  /** The meters of one region lane. */
  public RegionMeters region(String region, Supplier<Number> inFlight) {
    Gauge.builder(REGION_IN_FLIGHT, inFlight).description("Requests a region lane holds now").tag("region", region).register(registry);
    return new RegionMeters(region);
  }

  /** Counters and latency timers of one region, by outcome. Thread-safe. */
  public final class RegionMeters {
    private final Map<RegionOutcome, Counter> requests = new EnumMap<>(RegionOutcome.class);
    private final Map<RegionOutcome, Timer> latency = new EnumMap<>(RegionOutcome.class);

    private RegionMeters(String region) {
      for (RegionOutcome outcome : RegionOutcome.values()) {
        String tag = tag(outcome);
        requests.put(
            outcome,
            Counter.builder(REGION_REQUESTS)
                .description("Requests a region lane made or refused, by outcome")
                .tag("region", region)
                .tag("outcome", tag)
                .register(registry));
        latency.put(
            outcome,
            Timer.builder(REGION_LATENCY)
                .description("Time from a lane accepting a request to its end, by outcome")
                .tag("region", region)
                .tag("outcome", tag)
                .publishPercentiles(0.5, 0.99)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry));
      }
    }

    /** Counts an outcome; {@code nanos} is its latency, or negative when there is none (rejected). */
    public void record(RegionOutcome outcome, long nanos) {
      requests.get(outcome).increment();
      if (nanos >= 0) {
        latency.get(outcome).record(nanos, TimeUnit.NANOSECONDS);
      }
    }
  }

  private <E extends Enum<E>> Map<E, Counter> counters(Class<E> type, String name, String tagKey, String description) {
    Map<E, Counter> out = new EnumMap<>(type);
    for (E value : type.getEnumConstants()) {
      out.put(value, Counter.builder(name).description(description).tag(tagKey, tag(value)).register(registry));
    }
    return out;
  }

  /** {@code KEPT_NEWER} becomes {@code kept-newer}. */
  public static String tag(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
