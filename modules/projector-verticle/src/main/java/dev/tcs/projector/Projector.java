package dev.tcs.projector;

import dev.tcs.core.config.ConfigException;
import dev.tcs.core.config.ConfigLoader;
import dev.tcs.core.log.EventLog;
import dev.tcs.core.security.ViewTags;
import dev.tcs.core.model.ValidationException;
import dev.tcs.core.model.ViewDefinitions;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * The projector: turns catalogue events into per-consumer views.
 *
 * <p>It consumes the catalogue events topic ({@code tcs.catalogue.events}, values
 * {@link dev.tcs.core.model.CatalogueEvent}) and, for every event and every consumer declared in
 * the view definitions ({@code config/views.yaml}), appends one {@link dev.tcs.core.model.View}
 * to the views topic ({@code tcs.views}), keyed by tenant id so a tenant's views keep their
 * order. The views of one event are appended in consumer order, all before the next event of
 * its partition. A deleted tenant gets a tombstone view per consumer.
 *
 * <p>{@link #deploy} runs it live; {@link #rebuild} replays the whole events topic once, so that
 * a new revision of the view definitions reaches every region.
 */
public final class Projector {
  private Projector() {}

  /**
   * Deploys the live projector: an ops HTTP server (metrics and health only) at the configured
   * address, which is up even while Kafka is not, and a subscription to the events topic as the
   * configured group, retried in the background until Kafka answers. Ready once subscribed.
   * Creates the views topic and the events topic (retained forever) if absent.
   *
   * @return the deployment id; undeploying it closes the subscription and the ops server
   */
  public static Future<String> deploy(
      Vertx vertx, ProjectorConfig config, ViewDefinitions views, EventLog log, PrometheusMeterRegistry registry) {
    EventLog signing = ViewTags.signing(log, config.viewsTopic(), config.viewKey());
    return vertx.deployVerticle(new ProjectorVerticle(config, views, signing, registry, Clock.systemUTC()));
  }

  /** {@link #rebuild(Vertx, ProjectorConfig, ViewDefinitions, EventLog, PrometheusMeterRegistry, RebuildOptions)} with the default checks. */
  public static Future<RebuildResult> rebuild(
      Vertx vertx, ProjectorConfig config, ViewDefinitions views, EventLog log, PrometheusMeterRegistry registry) {
    return rebuild(vertx, config, views, log, registry, RebuildOptions.defaults());
  }

  /**
   * Replays the events topic from its very start (with a plain consumer of its own, assigned
   * partitions and no group, so the live projector's position is untouched) through the same projection as the live projector, with
   * {@code views}' revision; stages the newest view per {@code (tenant, consumer)}; compares it
   * with what the views topic holds now and runs the checks of {@code options}; then publishes
   * every staged view (unless {@code options.dryRun()}). Completes once that is done for every
   * event that was in the topic when it began. It may run while the live projector runs: a
   * region keeps a view only when it is newer, so interleaved older versions are dropped there.
   *
   * <p>It reads where the topic ends, and the live views, with plain Kafka clients
   * ({@code config.kafka()}), and waits as long as Kafka is unreachable; put a
   * {@link Future#timeout} on it if that matters.
   *
   * @return what it republished, with the per-consumer changes; fails with a
   *     {@link RebuildValidationException} (nothing published) when a check fails, or if the
   *     topics cannot be created or read
   */
  public static Future<RebuildResult> rebuild(
      Vertx vertx, ProjectorConfig config, ViewDefinitions views, EventLog log, PrometheusMeterRegistry registry, RebuildOptions options) {
    RebuildVerticle rebuild =
        new RebuildVerticle(
            config,
            views,
            log,
            new KafkaEndPositions(vertx, config.kafka()),
            new KafkaEventReplay(vertx, config.kafka()),
            () -> LiveViews.read(vertx, config.kafka(), config.viewsTopic()),
            options,
            ProjectorMetrics.rebuild(registry));
    return vertx.deployVerticle(rebuild).compose(id -> rebuild.done().eventually(() -> vertx.undeploy(id)));
  }

  /**
   * Loads and validates a view definitions file (YAML), e.g. {@code config.viewsPath(configDir)}.
   *
   * @return the definitions; fails with a {@link ConfigException} naming the file and the key
   */
  public static Future<ViewDefinitions> loadViews(Vertx vertx, Path file) {
    return ConfigLoader.load(vertx, file, Map.of(), "TCS_VIEWS")
        .compose(
            json -> {
              try {
                return Future.succeededFuture(ViewDefinitions.fromJson(json));
              } catch (ValidationException e) {
                return Future.failedFuture(new ConfigException("view definitions " + file + ": " + e.getMessage()));
              }
            });
  }
}
