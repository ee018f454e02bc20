package dev.tcs.launcher;

import dev.tcs.core.config.Settings;
import dev.tcs.core.log.KafkaEventLog;
import dev.tcs.core.log.KafkaSettings;
import dev.tcs.core.metrics.Metrics;
import dev.tcs.core.model.ViewDefinitions;
import dev.tcs.projector.Projector;
import dev.tcs.projector.ProjectorConfig;
import dev.tcs.projector.RebuildResult;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code tcs replay}: rebuilds every view by replaying {@code tcs.catalogue.events} from its start
 * with the current {@code views.yaml}, against the Kafka of {@code projector.yaml}. Regions keep a
 * republished view only if it is newer by (version, revision), so a replay with unchanged
 * definitions changes nothing and a new revision reaches every region.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, description = "Rebuild all views by replaying the catalogue events from the start.")
final class ReplayCommand implements Callable<Integer> {
  @ParentCommand TcsCommand parent;

  @picocli.CommandLine.Option(
      names = "--insecure-join-demo",
      description = "Tag the republished views with the demo's view key (demo.yaml), to replay into a running ./tcs demo.")
  boolean insecureJoinDemo;

  @Override
  public Integer call() {
    PrometheusMeterRegistry registry = Metrics.prometheus();
    Vertx vertx = Metrics.vertx(new VertxOptions(), registry);
    KafkaEventLog eventLog = null;
    try {
      ConfigFiles files = new ConfigFiles(vertx, parent.configDir(), System.getenv());
      io.vertx.core.json.JsonObject json = files.load("projector");
      if (insecureJoinDemo) {
        ComponentKeys.joinDemo(json, files.load("demo"));
      }
      Settings root = Settings.of("", json);
      ComponentKeys.refuseDemoSecrets(root, insecureJoinDemo);
      ProjectorConfig config = ProjectorConfig.from(root);
      ViewDefinitions views = ViewDefinitions.fromJson(files.views());
      eventLog = new KafkaEventLog(vertx, KafkaSettings.from(root.section("kafka")));
      RebuildResult result = Projector.rebuild(vertx, config, views, eventLog, registry).await();
      System.out.printf(
          "replayed %d events (%d rejected), published %d views at revision %d in %d ms%n",
          result.records(), result.rejected(), result.viewsPublished(), result.revision(), result.took().toMillis());
      return result.rejected() == 0 ? 0 : 2;
    } finally {
      if (eventLog != null) {
        eventLog.close().otherwiseEmpty().await();
      }
      vertx.close().await();
    }
  }
}
