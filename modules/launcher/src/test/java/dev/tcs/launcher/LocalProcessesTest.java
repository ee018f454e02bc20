package dev.tcs.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.infra.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The process supervision of {@code tcs up}, on a small child JVM: state file, start, SIGKILL detection, restart, stop. */
class LocalProcessesTest {
  @TempDir Path dir;

  private final List<DemoState.LocalProcess> started = new ArrayList<>();

  @AfterEach
  void killLeftovers() {
    started.forEach(LocalProcesses::kill);
  }

  private DemoState.LocalProcess startReadyServer(int port) {
    List<String> command = LocalProcesses.javaCommand("64m", ReadyServer.class.getName(), List.of(Integer.toString(port)));
    DemoState.LocalProcess process = LocalProcesses.start(command, dir.resolve("logs/child.log"), "http://127.0.0.1:" + port + "/health/ready");
    started.add(process);
    return process;
  }

  @Test
  void child_sigkilledThenRestartedFromTheStateFile_readyAgainWithNewPid() throws Exception {
    int port = FreePorts.one();
    DemoState.LocalProcess child = startReadyServer(port);
    LocalProcesses.awaitReady("child", child, Duration.ofSeconds(60));
    Path stateFile = DemoState.file(dir);
    Map<String, DemoState.LocalProcess> processes = new LinkedHashMap<>();
    processes.put("child", child);
    new DemoState(child.pid(), Instant.now(), "-", "-", Map.of(), Map.of(), processes).write(stateFile);
    assertTrue(LocalProcesses.alive(child));

    LocalProcesses.kill(child);

    assertFalse(LocalProcesses.alive(child), "SIGKILL detected");
    IllegalStateException dead = assertThrows(IllegalStateException.class, () -> LocalProcesses.awaitReady("child", child, Duration.ofSeconds(5)));
    assertTrue(dead.getMessage().contains("exited before it was ready"), dead.getMessage());
    assertTrue(dead.getMessage().contains("ready-server listening"), "quotes the log: " + dead.getMessage());

    DemoState fromFile = DemoState.read(stateFile).orElseThrow();
    DemoState.LocalProcess again = LocalProcesses.restart(fromFile.processes().get("child"));
    started.add(again);
    LocalProcesses.awaitReady("child", again, Duration.ofSeconds(60));
    assertNotEquals(child.pid(), again.pid());
    assertEquals(child.command(), again.command());
    assertTrue(LocalProcesses.ready(again.readyUrl()));
    String log = Files.readString(Path.of(again.log()));
    assertEquals(2, log.lines().filter(line -> line.startsWith("ready-server listening")).count(), "both runs appended to one log:\n" + log);

    LocalProcesses.stopAll(List.of(again), Duration.ofSeconds(10));
    assertFalse(LocalProcesses.alive(again));
    assertFalse(LocalProcesses.ready(again.readyUrl()));
  }

  @Test
  void handle_pidOfAnotherCommand_notTakenForTheProcess() {
    DemoState.LocalProcess notThisJvm =
        new DemoState.LocalProcess(ProcessHandle.current().pid(), null, List.of("java", "-cp", "x", "Elsewhere"), dir.resolve("x.log").toString(), null);
    assertFalse(LocalProcesses.alive(notThisJvm), "a reused pid must not be signalled");
  }

  @Test
  void process_infraOrUnknownName_refusedNamingTheChoices() {
    Map<String, DemoState.LocalProcess> processes = new LinkedHashMap<>();
    processes.put(UpSystem.INFRA, new DemoState.LocalProcess(1, null, List.of("java"), "infra.log", null));
    processes.put("region-eu-west", new DemoState.LocalProcess(2, null, List.of("java"), "r.log", "http://127.0.0.1:1/health/ready"));
    DemoState state = new DemoState(1, Instant.now(), "-", "-", Map.of(), Map.of(), processes);

    IllegalStateException infra = assertThrows(IllegalStateException.class, () -> UpSystem.process(state, "infra"));
    assertTrue(infra.getMessage().contains("./tcs down"), infra.getMessage());
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> UpSystem.process(state, "region-mars"));
    assertEquals("there is no process 'region-mars'; processes: region-eu-west", unknown.getMessage());
  }
}
