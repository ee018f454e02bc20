package dev.tcs.launcher;

import dev.tcs.core.config.Settings;
import dev.tcs.launcher.drill.Drill;
import dev.tcs.launcher.drill.DrillSettings;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code tcs drill [--short | --long]}: starts the demo system in this JVM on free ports (or, when
 * a {@code tcs up} system runs, uses that one: see {@link UpTarget}), runs the failure {@link Drill} against it, prints one line per phase, and exits 0 only if every phase
 * passed (no client-visible error, no version regression, every write visible everywhere within
 * the freshness target after its fault cleared; in a soak, a flat heap).
 */
@Command(
    name = "drill",
    mixinStandardHelpOptions = true,
    description = "Failure drill: load on the sidecar and the catalogue while regions, ingestion, Kafka, DynamoDB, Hazelcast and the sidecar fail in turn; against a running ./tcs up, a region process is also SIGKILLed and restarted.")
final class DrillCommand implements Callable<Integer> {
  static final List<String> PHASES = Drill.PHASES;

  @ParentCommand TcsCommand parent;

  @Spec CommandSpec spec;

  static final class Length {
    @Option(names = "--short", description = "Each phase once, about a minute (the default).")
    boolean shortDrill;

    @Option(names = "--long", description = "A soak: the phases repeat for --minutes, with longer faults; the heap must stay flat.")
    boolean longDrill;
  }

  @ArgGroup(exclusive = true)
  Length length;

  @Option(names = "--minutes", paramLabel = "N", description = "Length of a --long soak (default: ${DEFAULT-VALUE}).", defaultValue = "10")
  int minutes;

  @Option(names = "--freshness-target", paramLabel = "DURATION", description = "A write must be visible everywhere this soon after its fault clears (default: ${DEFAULT-VALUE}).", defaultValue = "2s")
  String freshnessTarget;

  @Option(names = "--reads-per-second", paramLabel = "N", description = "Reads per second on the sidecar (default: 300 short, 500 long).")
  Integer readsPerSecond;

  @Option(names = "--tenants", paramLabel = "N", description = "Tenants seeded and read (default: 500 short, 2000 long).")
  Integer tenants;

  @Option(names = "--skip", paramLabel = "PHASE", split = ",", description = "Phases not to run, e.g. sidecar-restart. Phases: ${COMPLETION-CANDIDATES}", completionCandidates = PhaseNames.class)
  Set<String> skip = Set.of();

  static final class PhaseNames extends java.util.ArrayList<String> {
    PhaseNames() {
      super(PHASES);
    }
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    DrillSettings settings = settings();
    long started = System.nanoTime();
    Path stateFile = DemoState.file(DemoState.directory(System.getenv()));
    Optional<DemoState> up = DemoState.readLive(stateFile).filter(DemoState::separateProcesses);
    if (up.isPresent()) {
      return drillUp(up.get(), stateFile, settings, out, started);
    }
    try (DemoSystem system = DemoSystem.start(new DemoSystem.Options(parent.configDir(), System.getenv(), true))) {
      out.printf("tcs drill: demo system up in %d ms (catalogue %s, sidecar %s, regions %s)%n",
          (System.nanoTime() - started) / 1_000_000, system.endpoints().catalogue(), system.endpoints().sidecar(), system.endpoints().regions());
      Drill.Result result = Drill.run(system, homeRegion(system.vertx(), system.endpoints().regions()), settings, out);
      out.printf("tcs drill: %s in %d s%n", result.passed() ? "passed" : "FAILED", (System.nanoTime() - started) / 1_000_000_000);
      out.flush();
      return result.passed() ? 0 : 3;
    }
  }

  DrillSettings settings() {
    boolean soak = length != null && length.longDrill;
    for (String phase : skip) {
      if (!PHASES.contains(phase)) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--skip must name phases of " + PHASES + ", but was '" + phase + "'");
      }
    }
    if (minutes < 1) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--minutes must be at least 1, but was " + minutes);
    }
    DrillSettings settings = soak ? DrillSettings.long_(Duration.ofMinutes(minutes)) : DrillSettings.short_();
    Duration target = Settings.of("", new JsonObject().put("--freshness-target", freshnessTarget)).duration("--freshness-target", Duration.ofSeconds(2));
    settings = settings.withFreshnessTarget(target).withSkip(skip);
    if (readsPerSecond != null) {
      if (readsPerSecond < 1) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--reads-per-second must be at least 1, but was " + readsPerSecond);
      }
      settings = settings.withReadsPerSecond(readsPerSecond);
    }
    if (tenants != null) {
      if (tenants < 10) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--tenants must be at least 10, but was " + tenants);
      }
      settings = settings.withTenants(tenants);
    }
    return settings;
  }

  /** Under {@code tcs up}: the same drill against its processes, with the region-process-killed phase. */
  private int drillUp(DemoState state, Path stateFile, DrillSettings settings, PrintWriter out, long started) {
    Vertx vertx = Vertx.vertx();
    try {
      UpTarget target = UpTarget.of(vertx, parent.configDir(), state, stateFile);
      out.printf("tcs drill: against the running ./tcs up system (%s; catalogue %s, sidecar %s, regions %s)%n",
          UpTarget.describe(state), target.endpoints().catalogue(), target.endpoints().sidecar(), target.endpoints().regions());
      Drill.Result result = Drill.run(target, homeRegion(vertx, target.endpoints().regions()), settings, out);
      out.printf("tcs drill: %s in %d s%n", result.passed() ? "passed" : "FAILED", (System.nanoTime() - started) / 1_000_000_000);
      out.flush();
      return result.passed() ? 0 : 3;
    } catch (Exception e) {
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
    } finally {
      vertx.close().await();
    }
  }

  /** The sidecar's home region: its configured primary, whose Hazelcast cluster the demo's sidecar joins. */
  private String homeRegion(Vertx vertx, Map<String, String> regions) {
    JsonObject sidecar = new ConfigFiles(vertx, parent.configDir(), System.getenv()).load("sidecar");
    String home = sidecar.getJsonObject("sidecar").getString("primary");
    return regions.containsKey(home) ? home : regions.keySet().iterator().next();
  }

}
