package dev.tcs.projector;

import dev.tcs.core.metrics.Meters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The projector's meters (core {@link Meters} convention: {@code tcs.projector.<what>},
 * kebab-case tag values), all tagged {@code source=live|rebuild}:
 *
 * <ul>
 *   <li>{@value #RECORDS}{@code {outcome=projected|rejected}}: catalogue records handled;
 *   <li>{@value #VIEWS_PUBLISHED}: views appended to the views topic (a record retried after an
 *       append failure may count its views again);
 *   <li>{@value #LAG} (live only): time from the catalogue committing an event to the last of
 *       its views being appended.
 * </ul>
 *
 * One instance per deployment; {@link #close()} removes its meters when it is undeployed.
 */
final class ProjectorMetrics implements AutoCloseable {
  static final String RECORDS = "tcs.projector.records";
  static final String VIEWS_PUBLISHED = "tcs.projector.views.published";
  static final String LAG = "tcs.projector.lag";
  static final String LIVE = "live";
  static final String REBUILD = "rebuild";

  private final Meters meters;
  private final Counter projected;
  private final Counter rejected;
  private final Counter viewsPublished;
  private final Timer lag;

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

  /** Removes this deployment's meters from the registry. */
  @Override
  public void close() {
    meters.close();
  }
}
