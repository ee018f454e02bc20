package dev.tcs.launcher;

import dev.tcs.core.config.ConfigException;
import dev.tcs.core.config.Settings;
import dev.tcs.core.log.KafkaEventLog;
import dev.tcs.core.log.KafkaSettings;
import dev.tcs.core.metrics.Metrics;
import dev.tcs.core.model.ViewDefinitions;
import dev.tcs.projector.ConsumerChange;
import dev.tcs.projector.Projector;
import dev.tcs.projector.ProjectorConfig;
import dev.tcs.projector.RebuildOptions;
import dev.tcs.projector.RebuildProgress;
import dev.tcs.projector.RebuildResult;
import dev.tcs.projector.RebuildValidationException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code tcs replay}: rebuilds every view by replaying {@code tcs.catalogue.events} from its start
 * with the current {@code views.yaml}, stages the result, checks it against the live views and
 * only then publishes it. Regions keep a republished view only if it is newer by (version,
 * revision), so a replay with unchanged definitions changes nothing and a new revision reaches
 * every region.
 *
 * <p>Which Kafka: {@code --bootstrap-servers} if given; else the environment override
 * {@code TCS_PROJECTOR_KAFKA_BOOTSTRAP_SERVERS} if set; else a running {@code tcs demo} found
 * through its state file ({@link DemoState}); else {@code projector.yaml}. With no broker there
 * it fails in one line naming the address and where it came from.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, description = "Rebuild all views by replaying the catalogue events from the start.")
final class ReplayCommand implements Callable<Integer> {
  static final String KAFKA_ENV = "TCS_PROJECTOR_KAFKA_BOOTSTRAP_SERVERS";
  private static final String RUNNING_DEMO = "running demo";

  @ParentCommand TcsCommand parent;

  @Option(names = "--bootstrap-servers", description = "Kafka to replay from (default: a running demo, else projector.yaml).")
  String bootstrapServers;

  @Option(names = "--dry-run", description = "Print per consumer the views a rebuild would add, change and remove; publish nothing.")
  boolean dryRun;

  @Option(
      names = "--max-drop",
      description = "Fail, publishing nothing, if a consumer would lose more than this fraction of its live views (default: ${DEFAULT-VALUE}).")
  double maxDrop = RebuildOptions.DEFAULT_MAX_DROP_FRACTION;

  @Option(
      names = "--max-rejected",
      description = "Fail, publishing nothing, if more events than this are invalid (default: ${DEFAULT-VALUE}; -1: no limit).")
  long maxRejected = RebuildOptions.DEFAULT_MAX_REJECTED;

  @Option(names = "--connect-timeout", paramLabel = "SECONDS", description = "How long to wait for Kafka to answer, in seconds (default: ${DEFAULT-VALUE}).")
  int connectTimeoutSeconds = 5;

  /** A Kafka address and where it came from, for messages. */
  record KafkaTarget(String bootstrapServers, String source) {}

  @Option(
      names = "--insecure-join-demo",
      description = "Tag the republished views with the demo's view key (demo.yaml), to replay into a running ./tcs demo.")
  boolean insecureJoinDemo;

  @Override
  public Integer call() {
    PrometheusMeterRegistry registry = Metrics.prometheus();
    Vertx vertx = Metrics.vertx(new VertxOptions(), registry);
    KafkaEventLog eventLog = null;
    PrintStream out = System.out;
    try {
      ConfigFiles files = new ConfigFiles(vertx, parent.configDir(), System.getenv());
      JsonObject json = files.load("projector");
      if (insecureJoinDemo) {
        ComponentKeys.joinDemo(json, files.load("demo"));
      }
      KafkaTarget kafka = kafkaTarget(bootstrapServers, System.getenv(), DemoState.file(DemoState.directory(System.getenv())), json);
      json.getJsonObject("kafka").put("bootstrap-servers", kafka.bootstrapServers());
      Settings root = Settings.of("", json);
      ProjectorConfig config = projectorConfig(root, kafka);
      ViewDefinitions views = ViewDefinitions.fromJson(files.views());
      probe(kafka, Duration.ofSeconds(Math.max(1, connectTimeoutSeconds)));
      out.printf("replaying %s at %s (%s) with views.yaml revision %d%s%n",
          config.eventsTopic(), kafka.bootstrapServers(), kafka.source(), views.revision(), dryRun ? ", dry run" : "");
      eventLog = new KafkaEventLog(vertx, config.kafka());
      ProgressLine progress = new ProgressLine(out);
      RebuildOptions options = new RebuildOptions(dryRun, maxDrop, maxRejected, progress::show);
      RebuildResult result;
      try {
        result = Projector.rebuild(vertx, config, views, eventLog, registry, options).await();
      } catch (RebuildValidationException e) {
        printChanges(out, e.changes());
        throw e;
      }
      printChanges(out, result.changes());
      if (result.published()) {
        out.printf(Locale.ROOT, "replayed %d events (%d rejected), published %d views at revision %d in %d ms%n",
            result.records(), result.rejected(), result.viewsPublished(), result.revision(), result.took().toMillis());
      } else {
        out.printf(Locale.ROOT, "dry run: replayed %d events (%d rejected) in %d ms, published nothing%n",
            result.records(), result.rejected(), result.took().toMillis());
      }
      return result.rejected() == 0 ? 0 : 2;
    } finally {
      if (eventLog != null) {
        eventLog.close().otherwiseEmpty().await();
      }
      vertx.close().await();
    }
  }

  /**
   * The projector's config with its view key; next to a running demo found by its state file, a
   * missing or refused key says to add {@code --insecure-join-demo} (the demo's views carry the
   * demo's key, which a replay takes only when asked to).
   */
  private ProjectorConfig projectorConfig(Settings root, KafkaTarget kafka) {
    try {
      ComponentKeys.refuseDemoSecrets(root, insecureJoinDemo);
      return ProjectorConfig.from(root);
    } catch (ConfigException e) {
      if (!insecureJoinDemo && kafka.source().startsWith(RUNNING_DEMO)) {
        throw new ConfigException(e.getMessage() + "; to replay into the " + kafka.source() + " add --insecure-join-demo", e);
      }
      throw e;
    }
  }

  /** Where to replay from: the flag, the environment override, a running demo, then the config file. */
  static KafkaTarget kafkaTarget(String flag, Map<String, String> env, Path stateFile, JsonObject projectorJson) {
    if (flag != null && !flag.isBlank()) {
      return new KafkaTarget(flag, "--bootstrap-servers");
    }
    String fromEnv = env.get(KAFKA_ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return new KafkaTarget(fromEnv, KAFKA_ENV);
    }
    Optional<DemoState> demo = DemoState.readLive(stateFile);
    if (demo.isPresent()) {
      return new KafkaTarget(demo.get().kafka(), RUNNING_DEMO + ", pid " + demo.get().pid() + ", " + stateFile);
    }
    JsonObject kafka = projectorJson.getJsonObject("kafka", new JsonObject());
    return new KafkaTarget(kafka.getString("bootstrap-servers", ""), "projector.yaml kafka.bootstrap-servers; no running demo at " + stateFile);
  }

  /** Fails in one line naming the address unless a Kafka broker answers there within {@code timeout}. */
  static void probe(KafkaTarget kafka, Duration timeout) {
    Map<String, Object> config =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
            AdminClientConfig.CLIENT_ID_CONFIG, "tcs-replay-probe",
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
            AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
    String failure;
    try (Admin admin = Admin.create(config)) {
      admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis())).clusterId().get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
      return;
    } catch (TimeoutException | ExecutionException e) {
      failure = "no Kafka broker answered within " + timeout.toSeconds() + " s";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = "interrupted while connecting";
    } catch (RuntimeException e) { // a malformed address
      failure = e.getMessage();
    }
    throw new IllegalStateException(
        "cannot replay: " + failure + " at " + kafka.bootstrapServers() + " (from " + kafka.source()
            + "); start ./tcs demo, or pass --bootstrap-servers HOST:PORT");
  }

  private static void printChanges(PrintStream out, java.util.List<ConsumerChange> changes) {
    if (changes.isEmpty()) {
      return;
    }
    out.printf("%-20s %8s %8s %8s %8s %8s%n", "consumer", "live", "after", "added", "changed", "removed");
    for (ConsumerChange c : changes) {
      out.printf("%-20s %8d %8d %8d %8d %8d%n", c.consumer(), c.live(), c.staged(), c.added(), c.changed(), c.removed());
    }
  }

  /** One terminal line, rewritten in place on a terminal and printed every few seconds otherwise. */
  static final class ProgressLine {
    private final PrintStream out;
    private final boolean terminal = System.console() != null;
    private long lastPrinted;

    ProgressLine(PrintStream out) {
      this.out = out;
    }

    void show(RebuildProgress p) {
      String line = format(p);
      if (p.caughtUp()) {
        out.print(terminal ? "\r" + line + "\n" : line + "\n");
        out.printf(Locale.ROOT, "caught up with the events topic: %d of %d events in %.1f s; checking and publishing%n",
            p.done(), p.total(), p.elapsed().toMillis() / 1000.0);
      } else if (terminal) {
        out.print("\r" + line);
      } else if (System.nanoTime() - lastPrinted > 5_000_000_000L) {
        lastPrinted = System.nanoTime();
        out.println(line);
      }
      out.flush();
    }

    static String format(RebuildProgress p) {
      Duration eta = p.eta();
      return String.format(
          Locale.ROOT,
          "replay %5.1f%%  %d/%d events  %.0f events/s  ETA %s  rejected %d",
          100 * p.fraction(), p.done(), p.total(), p.rate(), eta == null ? "?" : eta.toSeconds() + " s", p.rejected());
    }
  }
}
