package dev.tcs.launcher;

import com.hazelcast.core.HazelcastInstance;
import dev.tcs.catalogue.Catalogue;
import dev.tcs.catalogue.CatalogueConfig;
import dev.tcs.core.auth.AuthConfig;
import dev.tcs.core.auth.Tokens;
import dev.tcs.core.config.Settings;
import dev.tcs.core.dynamo.DynamoClients;
import dev.tcs.core.dynamo.DynamoSettings;
import dev.tcs.core.log.EventLog;
import dev.tcs.core.log.KafkaEventLog;
import dev.tcs.core.log.KafkaSettings;
import dev.tcs.core.metrics.Metrics;
import dev.tcs.core.model.ViewDefinitions;
import dev.tcs.projector.Projector;
import dev.tcs.projector.ProjectorConfig;
import dev.tcs.region.Region;
import dev.tcs.region.RegionConfig;
import dev.tcs.sidecar.Sidecar;
import dev.tcs.sidecar.SidecarConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import dev.tcs.core.config.ConfigException;
import io.vertx.core.json.DecodeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code tcs run COMPONENT}: one component alone against real (external) Kafka, DynamoDB and
 * Hazelcast, configured from its file under the config directory and the environment.
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run one component against external infrastructure.")
final class RunCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

  enum Component {
    catalogue,
    projector,
    region,
    sidecar
  }

  @ParentCommand TcsCommand parent;

  @Parameters(index = "0", description = "One of: ${COMPLETION-CANDIDATES}.")
  Component component;

  @Option(
      names = "--insecure-join-demo",
      description = "Trust the repository's demo keys (from demo.yaml) to join a running ./tcs demo; refused unless every address this component binds is loopback.")
  boolean insecureJoinDemo;

  @Option(
      names = "--overlay",
      paramLabel = "FILE",
      description = "A JSON file deep-merged over the component's config (after the environment); ./tcs up writes one per process.")
  Path overlay;

  @Override
  public Integer call() throws Exception {
    PrometheusMeterRegistry registry = Metrics.prometheus();
    Vertx vertx = Metrics.vertx(new VertxOptions(), registry);
    List<AutoCloseable> resources = new ArrayList<>();
    try {
      ConfigFiles files = new ConfigFiles(vertx, parent.configDir(), System.getenv());
      JsonObject json = files.load(component.name());
      if (overlay != null) {
        json.mergeIn(readOverlay(overlay), true);
      }
      if (insecureJoinDemo) {
        ComponentKeys.joinDemo(json, files.load("demo"));
      }
      Settings root = Settings.of("", json);
      ComponentKeys.refuseDemoSecrets(root, insecureJoinDemo);
      Tokens tokens = component == Component.projector ? null : tokens(vertx, root);
      Clock clock = Clock.systemUTC();
      switch (component) {
        case catalogue -> {
          EventLog eventLog = eventLog(vertx, root, resources);
          var dynamo = DynamoClients.create(DynamoSettings.from(root.section("dynamodb")));
          resources.add(dynamo);
          Catalogue.deploy(vertx, CatalogueConfig.from(root), dynamo, eventLog, tokens, registry, clock).await();
        }
        case projector -> {
          EventLog eventLog = eventLog(vertx, root, resources);
          ViewDefinitions views = ViewDefinitions.fromJson(files.views());
          Projector.deploy(vertx, ProjectorConfig.from(root), views, eventLog, registry).await();
        }
        case region -> {
          EventLog eventLog = eventLog(vertx, root, resources);
          var dynamo = DynamoClients.createCompletingOnIoThreads(DynamoSettings.from(root.section("dynamodb")));
          resources.add(dynamo);
          RegionConfig config = RegionConfig.from(root);
          HazelcastInstance member = Hazelcasts.member(config.hazelcast());
          resources.add(member::shutdown);
          ViewDefinitions views = ViewDefinitions.fromJson(files.views());
          Region.deploy(vertx, config, views, dynamo, eventLog, member, tokens, registry, clock).await();
        }
        case sidecar -> {
          SidecarConfig config = SidecarConfig.from(root);
          HazelcastInstance client = Hazelcasts.client(config.hazelcast());
          resources.add(client::shutdown);
          Sidecar.deploy(vertx, config, client, tokens, registry, clock).await();
        }
      }
    } catch (Exception e) { // await() rethrows checked causes (a BindException) as they are
      close(vertx, resources);
      throw e;
    }
    log.info("component started component={} nativeTransport={}", component, vertx.isNativeTransportEnabled());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> close(vertx, resources), "tcs-run-shutdown"));
    stopped.await();
    return 0;
  }

  private static JsonObject readOverlay(Path file) {
    try {
      return new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException | DecodeException e) {
      throw new ConfigException("--overlay " + file + " must be a readable JSON object: " + e.getMessage());
    }
  }

  /** The component's token verifier; its key is required, and the demo key refused outside the demo. */
  private Tokens tokens(Vertx vertx, Settings root) {
    AuthConfig auth = AuthConfig.from(root.section("auth"), parent.configDir());
    ComponentKeys.refuseDemoKeys(root, auth, insecureJoinDemo);
    return new Tokens(vertx, auth);
  }

  private static EventLog eventLog(Vertx vertx, Settings root, List<AutoCloseable> resources) {
    KafkaEventLog eventLog = new KafkaEventLog(vertx, KafkaSettings.from(root.section("kafka")));
    resources.add(() -> eventLog.close().await());
    return eventLog;
  }

  private static void close(Vertx vertx, List<AutoCloseable> resources) {
    DemoSystem.undeployAll(vertx);
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        log.warn("close failed reason={}", e.toString());
      }
    }
    vertx.close().await();
  }
}
