package dev.tcs.launcher;

import dev.tcs.core.auth.AuthConfig;
import dev.tcs.core.auth.Tokens;
import dev.tcs.core.config.Settings;
import dev.tcs.launcher.drill.Drill;
import dev.tcs.launcher.drill.DrillTarget;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A running {@code tcs up} system as a {@link DrillTarget}: the sidecar and region processes are
 * stopped, SIGKILLed and started again by pid, from the state file, which is rewritten with each
 * new pid. The Kafka broker lives inside the infrastructure process with DynamoDB Local and the
 * Hazelcast members, so the kafka-restart phase is skipped here.
 */
final class UpTarget implements DrillTarget {
  private final Path stateFile;
  private final Tokens tokens;
  private final DemoSystem.Endpoints endpoints;
  private DemoState state;

  private UpTarget(DemoState state, Path stateFile, Tokens tokens) {
    this.state = state;
    this.stateFile = stateFile;
    this.tokens = tokens;
    Map<String, String> regions = new LinkedHashMap<>();
    state.processes().keySet().stream()
        .filter(name -> name.startsWith("region-"))
        .map(name -> name.substring("region-".length()))
        .forEach(region -> regions.put(region, state.components().get("region." + region)));
    this.endpoints =
        new DemoSystem.Endpoints(state.components().get("catalogue"), state.components().get("projector"), regions, state.components().get("sidecar"));
  }

  /** The system of {@code state}, with tokens signed by the demo key of {@code configDir}'s {@code demo.yaml}. */
  static UpTarget of(Vertx vertx, Path configDir, DemoState state, Path stateFile) {
    Settings demo = Settings.of("demo", new ConfigFiles(vertx, configDir, System.getenv()).load("demo"));
    return new UpTarget(state, stateFile, new Tokens(vertx, AuthConfig.from(demo.section("auth"), configDir)));
  }

  @Override
  public DemoSystem.Endpoints endpoints() {
    return endpoints;
  }

  @Override
  public Tokens tokens() {
    return tokens;
  }

  @Override
  public Optional<String> cannotRun(String phase) {
    return phase.equals("kafka-restart")
        ? Optional.of("under ./tcs up the broker shares the infrastructure process with DynamoDB Local (in memory) and cannot restart alone; ./tcs drill without ./tcs up runs it")
        : Optional.empty();
  }

  @Override
  public void stopKafka() {
    throw new UnsupportedOperationException(cannotRun("kafka-restart").orElseThrow());
  }

  @Override
  public void restartKafka() {
    throw new UnsupportedOperationException(cannotRun("kafka-restart").orElseThrow());
  }

  @Override
  public List<String> hazelcastAddresses(String cluster) {
    return state.hazelcast().get(cluster);
  }

  @Override
  public synchronized void stopSidecar() {
    LocalProcesses.stop(UpSystem.process(state, "sidecar"), UpSystem.STOP_GRACE);
  }

  @Override
  public synchronized void startSidecar() {
    state = UpSystem.startAgain(state, "sidecar", stateFile);
  }

  @Override
  public synchronized void killRegionProcess(String region) {
    DemoState.LocalProcess process = UpSystem.process(state, UpSystem.regionProcess(region));
    LocalProcesses.kill(process);
    if (LocalProcesses.alive(process)) {
      throw new IllegalStateException("region " + region + " (pid " + process.pid() + ") survived SIGKILL");
    }
  }

  @Override
  public synchronized void restartRegionProcess(String region) {
    state = UpSystem.startAgain(state, UpSystem.regionProcess(region), stateFile);
  }

  /** One line about the system, for the drill's header. */
  static String describe(DemoState state) {
    return state.processes().size() + " processes, infra pid " + state.pid() + "; phase " + Drill.REGION_PROCESS_KILLED + " SIGKILLs a region process";
  }
}
