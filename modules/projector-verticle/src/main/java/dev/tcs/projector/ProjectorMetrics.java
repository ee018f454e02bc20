package dev.tcs.projector;

import dev.tcs.core.metrics.Meters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The projector's meters (core {@link Meters} convention: {@code tcs.projector.<what>},
 * kebab-case tag values), all tagged {@code source=live|rebuild}:
 *
 * <ul>
 *   <li>{@value #RECORDS}{@code {outcome=projected|rejected}}: catalogue records handled;
 *   <li>{@value #VIEWS_PUBLISHED}: views appended to the views topic (a record retried after an
 *       append failure may count its views again);
 *   <li>{@value #LAG} (live only): time from the catalogue committing an event to the last of
 *       its views being appended;
 *   <li>{@value #REBUILD_RECORDS}{@code {state=total|done}} (rebuild only): records of the
 *       events topic when the running (or last) rebuild began, and those it has handled;
 *   <li>{@value #REBUILD_CHECKS_FAILED} (rebuild only): rebuilds that published nothing
 *       because a check failed.
 * </ul>
 *
 * One instance per deployment; {@link #close()} removes its meters when it is undeployed.
 */
final class ProjectorMetrics implements AutoCloseable {
  static final String RECORDS = "tcs.projector.records";
  static final String VIEWS_PUBLISHED = "tcs.projector.views.published";
  static final String LAG = "tcs.projector.lag";
  static final String REBUILD_RECORDS = "tcs.projector.rebuild.records";
  static final String REBUILD_CHECKS_FAILED = "tcs.projector.rebuild.checks.failed";
  /** Rebuild progress per registry, shared by every rebuild reporting to it (gauges register once). */
  private static final Map<MeterRegistry, AtomicLong[]> REBUILD_PROGRESS = Collections.synchronizedMap(new WeakHashMap<>());
  static final String LIVE = "live";
  static final String REBUILD = "rebuild";

  private final Meters meters;
  private final Counter projected;
  private final Counter rejected;
  private final Counter viewsPublished;
  private final Timer lag;
  private final AtomicLong[] rebuildProgress;
  private final Counter rebuildChecksFailed;

  private ProjectorMetrics(MeterRegistry registry, String source) {
    this.meters = new Meters(registry, "projector", "source", source);
    this.projected = meters.counter("records", "Catalogue event records handled by the projector", "outcome", "projected");
    this.rejected = meters.counter("records", "Catalogue event records handled by the projector", "outcome", "rejected");
    this.viewsPublished = meters.counter("views.published", "Views appended to the views topic");
    this.lag =
        source.equals(LIVE)
            ? meters.timer(
                "lag",
                "Time from the catalogue committing an event to its views being appended",
                b -> b.publishPercentiles(0.5, 0.99).publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(10)))
            : null;
    this.rebuildProgress = source.equals(REBUILD) ? registerProgress(meters) : null;
    this.rebuildChecksFailed =
        source.equals(REBUILD)
            ? meters.counter("rebuild.checks.failed", "Rebuilds that published nothing because a validation check failed")
            : null;
  }

  /**
   * The rebuild progress gauges. Their values are shared by every rebuild of a registry: a gauge
   * registers once per id, so a second rebuild's gauge is the first one, which must read the same
   * numbers.
   */
  private static AtomicLong[] registerProgress(Meters meters) {
    AtomicLong[] progress = REBUILD_PROGRESS.computeIfAbsent(meters.registry(), r -> new AtomicLong[] {new AtomicLong(), new AtomicLong()});
    String description = "Records of the events topic a rebuild replays (total) and has handled (done)";
    meters.gauge("rebuild.records", description, null, progress[0]::get, "state", "total");
    meters.gauge("rebuild.records", description, null, progress[1]::get, "state", "done");
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

  /** Removes this deployment's meters from the registry. */
  @Override
  public void close() {
    meters.close();
  }
}
