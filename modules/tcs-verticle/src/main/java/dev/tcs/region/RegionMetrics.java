package dev.tcs.region;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Every meter of one region, each tagged {@code region=<name>} so several regions can share one
 * registry (the demo runs three in one JVM). Built once per deployment; {@link #close()} removes
 * its meters so a redeployed region starts clean. Counters are resolved here once, so the read
 * path only increments.
 */
public final class RegionMetrics implements AutoCloseable {
  /** Reads answered, by {@code outcome}: hit|miss|not_found|forbidden|unauthorized|bad_request|error. */
  public static final String READS = "tcs.reads";
  /** Time to answer a read, from routing to the response being handed to the connection. */
  public static final String READ_LATENCY = "tcs.read.latency";
  /** Views taken from the views topic, by {@code outcome}: applied|stale|rejected. */
  public static final String INGEST_VIEWS = "tcs.ingest.views";
  /** From the view record's log timestamp to its application in the table. */
  public static final String INGEST_LAG = "tcs.ingest.lag";
  /** Invalidations handed to Hazelcast, by {@code outcome}: published|dropped|failed. */
  public static final String INVALIDATIONS_SENT = "tcs.invalidations.sent";
  /** Invalidations read from the region's topic, by {@code outcome}: applied|rejected. */
  public static final String INVALIDATIONS_RECEIVED = "tcs.invalidations.received";
  /** Invalidations waiting in the publish queue. */
  public static final String INVALIDATIONS_QUEUED = "tcs.invalidations.queued";
  /** Whole-cache flushes after a gap in the invalidation topic's sequence. */
  public static final String CACHE_FLUSHES = "tcs.cache.flushes";
  /** Entries in the L1 cache (estimate). */
  public static final String CACHE_SIZE = "tcs.cache.size";

  private final MeterRegistry registry;
  private final Tags tags;
  private final List<Meter> meters = new ArrayList<>();

  public final Counter readHit;
  public final Counter readMiss;
  public final Counter readNotFound;
  public final Counter readForbidden;
  public final Counter readUnauthorized;
  public final Counter readBadRequest;
  public final Counter readError;
  public final Timer readLatency;
  public final Counter ingestApplied;
  public final Counter ingestStale;
  public final Counter ingestRejected;
  public final Timer ingestLag;
  public final Counter invalidationPublished;
  public final Counter invalidationDropped;
  public final Counter invalidationFailed;
  public final Counter invalidationApplied;
  public final Counter invalidationRejected;
  /** Invalidations without a valid signature (forged, or sealed with another key): dropped. */
  public final Counter invalidationForged;
  /** Views without a valid tag from the projector: dropped. */
  public final Counter ingestForged;
  /** Tagged views whose body holds more than the consumer's definition allows: dropped. */
  public final Counter ingestOverreach;
  public final Counter cacheFlushes;

  public RegionMetrics(MeterRegistry registry, String region) {
    this.registry = registry;
    this.tags = Tags.of("region", region);
    readHit = read("hit");
    readMiss = read("miss");
    readNotFound = read("not_found");
    readForbidden = read("forbidden");
    readUnauthorized = read("unauthorized");
    readBadRequest = read("bad_request");
    readError = read("error");
    readLatency =
        keep(
            Timer.builder(READ_LATENCY)
                .description("Time to answer a context read")
                .tags(tags)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(5))
                .register(registry));
    ingestApplied = counter(INGEST_VIEWS, "Views taken from the views topic", "applied");
    ingestStale = counter(INGEST_VIEWS, "Views taken from the views topic", "stale");
    ingestRejected = counter(INGEST_VIEWS, "Views taken from the views topic", "rejected");
    ingestForged = counter(INGEST_VIEWS, "Views taken from the views topic", "forged");
    ingestOverreach = counter(INGEST_VIEWS, "Views taken from the views topic", "overreach");
    ingestLag =
        keep(
            Timer.builder(INGEST_LAG)
                .description("Time from a view's log timestamp to its write in the region's table")
                .tags(tags)
                .publishPercentileHistogram()
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry));
    invalidationPublished = counter(INVALIDATIONS_SENT, "Invalidations handed to the region's Hazelcast topic", "published");
    invalidationDropped = counter(INVALIDATIONS_SENT, "Invalidations handed to the region's Hazelcast topic", "dropped");
    invalidationFailed = counter(INVALIDATIONS_SENT, "Invalidations handed to the region's Hazelcast topic", "failed");
    invalidationApplied = counter(INVALIDATIONS_RECEIVED, "Invalidations read from the region's Hazelcast topic", "applied");
    invalidationRejected = counter(INVALIDATIONS_RECEIVED, "Invalidations read from the region's Hazelcast topic", "rejected");
    invalidationForged = counter(INVALIDATIONS_RECEIVED, "Invalidations read from the region's Hazelcast topic", "forged");
    cacheFlushes =
        keep(Counter.builder(CACHE_FLUSHES).description("Whole-cache flushes after a gap in the invalidation topic").tags(tags).register(registry));
  }

  /** Registers the cache size gauge over {@code size}. */
  public void gaugeCacheSize(Supplier<Number> size) {
    keep(Gauge.builder(CACHE_SIZE, size).description("Entries in the region's L1 cache (estimate)").tags(tags).strongReference(true).register(registry));
  }

  /** Registers the publish queue depth gauge over {@code depth}. */
  public void gaugeQueue(Supplier<Number> depth) {
    keep(Gauge.builder(INVALIDATIONS_QUEUED, depth).description("Invalidations waiting to be published").tags(tags).strongReference(true).register(registry));
  }

  /** Removes this region's meters from the registry. */
  @Override
  public synchronized void close() {
    meters.forEach(registry::remove);
    meters.clear();
  }

  private Counter read(String outcome) {
    return counter(READS, "Context reads answered by the region", outcome);
  }

  private Counter counter(String name, String description, String outcome) {
    return keep(Counter.builder(name).description(description).tags(tags).tag("outcome", outcome).register(registry));
  }

  private synchronized <M extends Meter> M keep(M meter) {
    meters.add(meter);
    return meter;
  }
}
