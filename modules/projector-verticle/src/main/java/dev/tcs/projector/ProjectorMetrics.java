package dev.tcs.projector;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The projector's meters, all tagged {@code source=live|rebuild}:
 *
 * <ul>
 *   <li>{@code tcs.projector.records{outcome=projected|rejected}}: catalogue records handled;
 *   <li>{@code tcs.projector.views.published}: views appended to the views topic (a record
 *       retried after an append failure may count its views again);
 *   <li>{@code tcs.projector.lag} (live only): time from the catalogue committing an event to
 *       the last of its views being appended.
 * </ul>
 *
 * Registering the same meters twice (several deployments on one registry) shares them.
 */
final class ProjectorMetrics {
  static final String RECORDS = "tcs.projector.records";
  static final String VIEWS_PUBLISHED = "tcs.projector.views.published";
  static final String LAG = "tcs.projector.lag";
  static final String LIVE = "live";
  static final String REBUILD = "rebuild";

  private final Counter projected;
  private final Counter rejected;
  private final Counter viewsPublished;
  private final Timer lag;

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

  private static Counter records(MeterRegistry registry, String source, String outcome) {
    return Counter.builder(RECORDS)
        .description("Catalogue event records handled by the projector")
        .tag("source", source)
        .tag("outcome", outcome)
        .register(registry);
  }
}
