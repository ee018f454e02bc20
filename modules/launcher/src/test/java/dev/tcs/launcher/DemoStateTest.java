package dev.tcs.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoStateTest {
  @TempDir Path dir;

  private static DemoState state(long pid) {
    return new DemoState(
        pid,
        Instant.parse("2026-12-01T10:00:00Z"),
        "127.0.0.1:40001",
        "http://127.0.0.1:40002",
        Map.of("tcs-us-east", List.of("127.0.0.1:40003")),
        Map.of("catalogue", "http://127.0.0.1:8080", "region.us-east", "http://127.0.0.1:8081"));
  }

  @Test
  void write_thenReadLive_sameStateAndNoTempFileLeft() throws Exception {
    Path file = DemoState.file(dir);
    DemoState written = state(ProcessHandle.current().pid());

    written.write(file);

    assertEquals(Optional.of(written), DemoState.readLive(file));
    assertEquals(Optional.of("http://127.0.0.1:8081"), written.region("us-east"));
    try (var files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList());
    }
  }

  @Test
  void readLive_deadPid_ignored() throws Exception {
    Process exited = new ProcessBuilder("true").start();
    exited.waitFor();
    Path file = DemoState.file(dir);
    state(exited.pid()).write(file);

    assertTrue(DemoState.readLive(file).isEmpty());
  }

  @Test
  void readLive_noFile_empty() {
    assertTrue(DemoState.readLive(DemoState.file(dir)).isEmpty());
  }

  @Test
  void delete_otherDemosFile_keptOwnFileRemoved() throws Exception {
    Path file = DemoState.file(dir);
    state(ProcessHandle.current().pid()).write(file);

    DemoState.delete(file, ProcessHandle.current().pid() + 1);
    assertTrue(Files.exists(file));
    DemoState.delete(file, ProcessHandle.current().pid());
    assertFalse(Files.exists(file));
  }

  @Test
  void read_notAState_errorNamesFileAndField() throws Exception {
    Path file = DemoState.file(dir);
    Files.writeString(file, "{\"pid\": 1}");

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> DemoState.read(file));
    assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("startedAt"), e.getMessage());
  }

  @Test
  void kafkaTarget_order_flagThenEnvThenLiveDemoThenConfig() {
    Path file = DemoState.file(dir);
    JsonObject projector = new JsonObject().put("kafka", new JsonObject().put("bootstrap-servers", "10.0.0.1:9092"));
    assertEquals("10.0.0.1:9092", ReplayCommand.kafkaTarget(null, Map.of(), file, projector).bootstrapServers());

    state(ProcessHandle.current().pid()).write(file);
    ReplayCommand.KafkaTarget demo = ReplayCommand.kafkaTarget(null, Map.of(), file, projector);
    assertEquals("127.0.0.1:40001", demo.bootstrapServers());
    assertTrue(demo.source().contains("running demo"), demo.source());

    assertEquals("env:1", ReplayCommand.kafkaTarget(null, Map.of(ReplayCommand.KAFKA_ENV, "env:1"), file, projector).bootstrapServers());
    assertEquals("flag:1", ReplayCommand.kafkaTarget("flag:1", Map.of(ReplayCommand.KAFKA_ENV, "env:1"), file, projector).bootstrapServers());
  }

  @Test
  void probe_noBroker_oneLineNamingTheAddress() throws Exception {
    int port;
    try (var socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String address = "127.0.0.1:" + port;
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> ReplayCommand.probe(new ReplayCommand.KafkaTarget(address, "test"), java.time.Duration.ofSeconds(1)));
    assertTrue(e.getMessage().contains(address), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void write_upStateWithProcesses_readBackInOrderWithCommands() throws Exception {
    Path file = DemoState.file(dir);
    Map<String, DemoState.LocalProcess> processes = new java.util.LinkedHashMap<>();
    processes.put("infra", new DemoState.LocalProcess(ProcessHandle.current().pid(), null, List.of("java", "-cp", "a.jar", "Main", "infra"), "/s/up/logs/infra.log", null));
    processes.put("region-eu-west", new DemoState.LocalProcess(42, Instant.parse("2026-12-01T10:00:01Z"), List.of("java", "run", "region"), "/s/up/logs/region-eu-west.log", "http://127.0.0.1:8082/health/ready"));
    processes.put("catalogue", new DemoState.LocalProcess(43, null, List.of("java", "run", "catalogue"), "/s/up/logs/catalogue.log", "http://127.0.0.1:8080/health/ready"));
    DemoState written = new DemoState(ProcessHandle.current().pid(), Instant.parse("2026-12-01T10:00:00Z"), "k:1", "http://d:2", Map.of(), Map.of("catalogue", "http://127.0.0.1:8080"), processes);

    written.write(file);

    DemoState read = DemoState.readLive(file).orElseThrow();
    assertEquals(written, read);
    assertTrue(read.separateProcesses());
    assertEquals(List.of("infra", "region-eu-west", "catalogue"), List.copyOf(read.processes().keySet()));
    DemoState restarted = read.withProcess("region-eu-west", read.processes().get("region-eu-west").restarted(99, null));
    assertEquals(99, restarted.processes().get("region-eu-west").pid());
    assertEquals(List.of("java", "run", "region"), restarted.processes().get("region-eu-west").command());
    assertFalse(state(1).separateProcesses(), "a tcs demo state has no processes");
  }
}
