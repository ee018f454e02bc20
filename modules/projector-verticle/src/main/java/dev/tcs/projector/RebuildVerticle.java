package dev.tcs.projector;

import dev.tcs.core.log.EventLog;
import dev.tcs.core.log.LogRecord;
import dev.tcs.core.log.Subscription;
import dev.tcs.core.model.ViewDefinitions;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One rebuild: replays the events topic from its very start under a fresh group
 * ({@link EventLog#replay}) and republishes every event's views with the current definitions
 * revision, through the same {@link EventProjector} as the live projector. It notes where each
 * partition ends when it begins and completes {@link #done()} once every partition has been
 * handled up to there; events appended later are left to the live projector. Undeploying it
 * closes the replay subscription (and fails {@link #done()} if it had not finished).
 *
 * <p>Never blocks its event loop; reading the end positions runs on a worker.
 */
final class RebuildVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(RebuildVerticle.class);

  private final ProjectorConfig config;
  private final ViewDefinitions definitions;
  private final EventLog eventLog;
  private final EndPositions endPositions;
  private final EventProjector projector;
  private final Promise<RebuildResult> done = Promise.promise();
  /** Partition to the last offset the rebuild must handle there; emptied as partitions finish. */
  private final Map<Integer, Long> remaining = new ConcurrentHashMap<>();
  private volatile Subscription subscription;
  private long startedNanos;

  RebuildVerticle(ProjectorConfig config, ViewDefinitions definitions, EventLog eventLog, EndPositions endPositions, MeterRegistry registry) {
    this.config = config;
    this.definitions = definitions;
    this.eventLog = eventLog;
    this.endPositions = endPositions;
    this.projector = new EventProjector(definitions, eventLog, config.viewsTopic(), ProjectorMetrics.rebuild(registry), Clock.systemUTC());
  }

  /** Completes when every event present at the start has been republished. */
  Future<RebuildResult> done() {
    return done.future();
  }

  @Override
  public Future<?> start() {
    startedNanos = System.nanoTime();
    return ProjectorTopics.ensure(eventLog, config).compose(created -> endPositions.of(config.eventsTopic())).compose(this::replayUpTo);
  }

  @Override
  public Future<?> stop() {
    done.tryFail("rebuild stopped before it reached the end of " + config.eventsTopic());
    Subscription running = subscription;
    return running == null ? Future.succeededFuture() : running.close();
  }

  private Future<Void> replayUpTo(Map<Integer, Long> ends) {
    ends.forEach(
        (partition, end) -> {
          if (end > 0) {
            remaining.put(partition, end - 1);
          }
        });
    log.info(
        "rebuild started eventsTopic={} viewsTopic={} revision={} records={}",
        config.eventsTopic(), config.viewsTopic(), definitions.revision(), ends.values().stream().mapToLong(Long::longValue).sum());
    if (remaining.isEmpty()) {
      finish();
      return Future.succeededFuture();
    }
    return eventLog
        .replay(config.eventsTopic(), config.group() + "-rebuild", this::republish)
        .onSuccess(started -> subscription = started)
        .mapEmpty();
  }

  private Future<Void> republish(LogRecord record) {
    return projector.handle(record).onSuccess(handled -> advance(record));
  }

  private void advance(LogRecord record) {
    Long last = remaining.get(record.partition());
    if (last != null && record.offset() >= last) {
      remaining.remove(record.partition());
      if (remaining.isEmpty()) {
        finish();
      }
    }
  }

  private void finish() {
    RebuildResult result =
        new RebuildResult(
            projector.projected(),
            projector.rejected(),
            projector.viewsPublished(),
            definitions.revision(),
            Duration.ofNanos(System.nanoTime() - startedNanos));
    if (done.tryComplete(result)) {
      log.info(
          "rebuild finished eventsTopic={} revision={} records={} rejected={} views={} tookMs={}",
          config.eventsTopic(), result.revision(), result.records(), result.rejected(), result.viewsPublished(), result.took().toMillis());
    }
  }
}
