package dev.tcs.projector;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The projector's meters, all tagged {@code source=live|rebuild}:
 *
 * <ul>
 *   <li>{@code tcs.projector.records{outcome=projected|rejected}}: catalogue records handled;
 *   <li>{@code tcs.projector.views.published}: views appended to the views topic (a record
 *       retried after an append failure may count its views again);
 *   <li>{@code tcs.projector.lag} (live only): time from the catalogue committing an event to
 *       the last of its views being appended;
 *   <li>{@code tcs.projector.rebuild.records{state=total|done}} (rebuild only): records of the
 *       events topic when the running (or last) rebuild began, and those it has handled;
 *   <li>{@code tcs.projector.rebuild.checks.failed} (rebuild only): rebuilds that published
 *       nothing because a check failed.
 * </ul>
 *
 * Registering the same meters twice (several deployments on one registry) shares them.
 */
final class ProjectorMetrics {
  static final String RECORDS = "tcs.projector.records";
  static final String VIEWS_PUBLISHED = "tcs.projector.views.published";
  static final String LAG = "tcs.projector.lag";
  static final String REBUILD_RECORDS = "tcs.projector.rebuild.records";
  static final String REBUILD_CHECKS_FAILED = "tcs.projector.rebuild.checks.failed";
  /** Rebuild progress per registry, shared by every rebuild reporting to it (gauges register once). */
  private static final Map<MeterRegistry, AtomicLong[]> REBUILD_PROGRESS = Collections.synchronizedMap(new WeakHashMap<>());
  static final String LIVE = "live";
  static final String REBUILD = "rebuild";

  private final Counter projected;
  private final Counter rejected;
  private final Counter viewsPublished;
  private final Timer lag;
  private final AtomicLong[] rebuildProgress;
  private final Counter rebuildChecksFailed;

  private ProjectorMetrics(MeterRegistry registry, String source) {
    this.projected = records(registry, source, "projected");
    this.rejected = records(registry, source, "rejected");
    this.viewsPublished =
        Counter.builder(VIEWS_PUBLISHED)
            .description("Views appended to the views topic")
            .tag("source", source)
            .register(registry);
    this.lag =
        source.equals(LIVE)
            ? Timer.builder(LAG)
                .description("Time from the catalogue committing an event to its views being appended")
                .tag("source", source)
                .publishPercentiles(0.5, 0.99)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry)
            : null;
    this.rebuildProgress = source.equals(REBUILD) ? REBUILD_PROGRESS.computeIfAbsent(registry, ProjectorMetrics::registerProgress) : null;
    this.rebuildChecksFailed =
        source.equals(REBUILD)
            ? Counter.builder(REBUILD_CHECKS_FAILED)
                .description("Rebuilds that published nothing because a validation check failed")
                .register(registry)
            : null;
  }

  private static AtomicLong[] registerProgress(MeterRegistry registry) {
    AtomicLong[] progress = {new AtomicLong(), new AtomicLong()};
    Gauge.builder(REBUILD_RECORDS, progress[0], AtomicLong::get)
        .description("Records of the events topic a rebuild replays (total) and has handled (done)")
        .tag("state", "total")
        .strongReference(true)
        .register(registry);
    Gauge.builder(REBUILD_RECORDS, progress[1], AtomicLong::get)
        .description("Records of the events topic a rebuild replays (total) and has handled (done)")
        .tag("state", "done")
        .strongReference(true)
        .register(registry);
    return progress;
  }

  void rebuildTotal(long records) {
    if (rebuildProgress != null) {
      rebuildProgress[0].set(records);
      rebuildProgress[1].set(0);
    }
  }

  void rebuildDone(long records) {
    if (rebuildProgress != null) {
      rebuildProgress[1].set(records);
    }
  }

  void rebuildFailedCheck() {
    if (rebuildChecksFailed != null) {
      rebuildChecksFailed.increment();
    }
  }

  static ProjectorMetrics live(MeterRegistry registry) {
    return new ProjectorMetrics(registry, LIVE);
  }

  static ProjectorMetrics rebuild(MeterRegistry registry) {
    return new ProjectorMetrics(registry, REBUILD);
  }

  void projected(Duration sinceOccurred) {
    projected.increment();
    if (lag != null) {
      lag.record(sinceOccurred.isNegative() ? Duration.ZERO : sinceOccurred);
    }
  }

  void rejected() {
    rejected.increment();
  }

  void viewPublished() {
    viewsPublished.increment();
  }

  void viewsPublished(int count) {
    viewsPublished.increment(count);
  }

  private static Counter records(MeterRegistry registry, String source, String outcome) {
    return Counter.builder(RECORDS)
        .description("Catalogue event records handled by the projector")
        .tag("source", source)
        .tag("outcome", outcome)
        .register(registry);
  }
}
