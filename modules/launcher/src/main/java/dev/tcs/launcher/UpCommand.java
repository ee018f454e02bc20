package dev.tcs.launcher;

import dev.tcs.core.auth.AuthConfig;
import dev.tcs.core.auth.Principal;
import dev.tcs.core.auth.Tokens;
import dev.tcs.core.config.Settings;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code tcs up}: starts the demo's system as separate local processes ({@link UpSystem}), seeds
 * the demo tenants, prints what {@code tcs demo} prints, and returns; the processes run on until
 * {@code tcs down}. {@code tcs up --restart NAME} stops one process (if it still runs) and starts
 * it again, e.g. after {@code kill -9}.
 */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = {
      "Run the demo's system as separate local processes (infrastructure, catalogue, projector, each region, sidecar) and return once all are ready;"
          + " ./tcs down stops them. Logs go to <state dir>/up/logs/.",
      "With --restart NAME: stop that one process if it runs (SIGTERM) and start it again, waiting until it is ready."
    })
final class UpCommand implements Callable<Integer> {
  @ParentCommand TcsCommand parent;

  @Spec CommandSpec spec;

  @Option(names = "--restart", paramLabel = "PROCESS", description = "Restart one process of the running system: catalogue, projector, region-<name>, sidecar.")
  String restart;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Map<String, String> env = System.getenv();
    Path stateFile = DemoState.file(DemoState.directory(env));
    if (restart != null) {
      return restart(stateFile, out);
    }
    refuseRunningSystem(stateFile, out);
    long started = System.nanoTime();
    Vertx vertx = Vertx.vertx();
    try {
      UpSystem.Started up = UpSystem.start(vertx, parent.configDir(), env, stateFile);
      try {
        ConfigFiles files = new ConfigFiles(vertx, parent.configDir(), env);
        Settings demo = Settings.of("demo", files.load("demo"));
        Tokens tokens = new Tokens(vertx, AuthConfig.from(demo.section("auth"), parent.configDir()));
        Duration ttl = demo.duration("token-ttl", Duration.ofHours(12));
        String writer = tokens.issue("demo-writer", Set.of(Principal.WRITER), ttl);
        String jira = tokens.issue("jira", Set.of(Principal.READER), ttl);
        String ingress = tokens.issue("network-ingress", Set.of(Principal.READER), ttl);
        DemoSeeder seeder = new DemoSeeder(vertx, up.endpoints(), writer);
        int seeded = demo.bool("seed", true) ? seeder.seed(parent.configDir().resolve("demo-tenants.jsonl")) : 0;
        Duration readable = seeded > 0 ? seeder.awaitReadable("acme", jira, Duration.ofSeconds(60)) : Duration.ZERO;
        String title = "Tenant Context Service, " + up.state().processes().size() + " local processes (tcs up)";
        out.println(
            DemoCommand.banner(
                title, "./tcs down stops everything.", up.endpoints(), seeded, readable, Duration.ofNanos(System.nanoTime() - started), writer, jira, ingress));
        out.println("Processes (./tcs up --restart NAME restarts one; logs in " + UpSystem.upDirectory(stateFile).resolve("logs") + "):");
        up.state().processes().forEach((name, process) -> out.printf("  %-16s pid %d%n", name, process.pid()));
        out.println("State file (read by ./tcs replay, chaos, drill, down): " + stateFile);
        out.flush();
        return 0;
      } catch (RuntimeException e) {
        UpSystem.stop(up.state().processes());
        DemoState.delete(stateFile, up.state().pid());
        throw e;
      }
    } finally {
      vertx.close().await();
    }
  }

  private int restart(Path stateFile, PrintWriter out) {
    DemoState state =
        DemoState.readLive(stateFile)
            .filter(DemoState::separateProcesses)
            .orElseThrow(() -> new IllegalStateException("no ./tcs up system is running (state file " + stateFile + "); start one with ./tcs up"));
    long started = System.nanoTime();
    long before = UpSystem.process(state, restart).pid();
    DemoState next = UpSystem.restart(state, restart, stateFile);
    out.printf("%s restarted: pid %d -> %d, ready after %d ms%n", restart, before, next.processes().get(restart).pid(), (System.nanoTime() - started) / 1_000_000);
    out.flush();
    return 0;
  }

  /** Fails if a demo or an up system runs; stops what is left of an up system whose infrastructure died. */
  private static void refuseRunningSystem(Path stateFile, PrintWriter out) {
    Optional<DemoState> existing = UpSystem.read(stateFile);
    if (existing.isEmpty()) {
      return;
    }
    DemoState state = existing.get();
    if (DemoState.readLive(stateFile).isPresent()) {
      throw new IllegalStateException(
          state.separateProcesses()
              ? "a ./tcs up system is already running (infra pid " + state.pid() + ", " + stateFile + "); ./tcs down stops it"
              : "a ./tcs demo is running (pid " + state.pid() + ", " + stateFile + "); stop it first (Ctrl-C)");
    }
    if (state.separateProcesses()) {
      long left = state.processes().values().stream().filter(LocalProcesses::alive).count();
      if (left > 0) {
        out.printf("stopping %d processes left by an earlier ./tcs up whose infrastructure is gone%n", left);
        UpSystem.stop(state.processes());
      }
    }
    DemoState.delete(stateFile, state.pid());
  }
}
