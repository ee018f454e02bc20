package dev.tcs.launcher;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tcs down}: stops every process of the running {@code tcs up} system (components first, then the infrastructure) and deletes its state file. */
@Command(name = "down", mixinStandardHelpOptions = true, description = "Stop every process ./tcs up started (SIGTERM, then SIGKILL after 15 s).")
final class DownCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Path stateFile = DemoState.file(DemoState.directory(System.getenv()));
    Optional<DemoState> state = UpSystem.read(stateFile);
    if (state.isEmpty()) {
      out.println("nothing to stop: no state file at " + stateFile);
      return 0;
    }
    if (!state.get().separateProcesses()) {
      if (DemoState.readLive(stateFile).isPresent()) {
        throw new IllegalStateException("the state file describes a ./tcs demo (pid " + state.get().pid() + "), not ./tcs up; stop it with Ctrl-C");
      }
      DemoState.delete(stateFile, state.get().pid());
      out.println("nothing to stop: the state file was left by a ./tcs demo that is gone; deleted it");
      return 0;
    }
    long started = System.nanoTime();
    long running = state.get().processes().values().stream().filter(LocalProcesses::alive).count();
    UpSystem.stop(state.get().processes());
    DemoState.delete(stateFile, state.get().pid());
    out.printf("stopped %d of %d processes in %d ms (logs kept in %s)%n",
        running, state.get().processes().size(), (System.nanoTime() - started) / 1_000_000, UpSystem.upDirectory(stateFile).resolve("logs"));
    out.flush();
    return 0;
  }
}
