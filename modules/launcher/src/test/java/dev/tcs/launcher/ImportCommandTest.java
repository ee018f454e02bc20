package dev.tcs.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@code tcs import} finds the catalogue: the flag, a running demo's state file, the default. */
class ImportCommandTest {
  @TempDir Path dir;

  private static DemoState state(long pid, String catalogue) {
    return new DemoState(
        pid,
        Instant.parse("2026-12-01T10:00:00Z"),
        "127.0.0.1:40001",
        "http://127.0.0.1:40002",
        Map.of("tcs-us-east", List.of("127.0.0.1:40003")),
        Map.of("catalogue", catalogue, "region.us-east", "http://127.0.0.1:40005"));
  }

  @Test
  void catalogueTarget_noFlagNoDemo_defaultAddressAndNoDemoToken() {
    ImportCommand.CatalogueTarget target = ImportCommand.catalogueTarget(null, DemoState.file(dir));

    assertEquals(ImportCommand.DEFAULT_CATALOGUE, target.url());
    assertTrue(target.source().contains(DemoState.file(dir).toString()), target.source());
    assertFalse(target.mayMintDemoToken());
  }

  @Test
  void catalogueTarget_runningDemo_itsCatalogueWithADemoToken() {
    Path file = DemoState.file(dir);
    state(ProcessHandle.current().pid(), "http://127.0.0.1:40004").write(file);

    ImportCommand.CatalogueTarget target = ImportCommand.catalogueTarget(null, file);

    assertEquals(URI.create("http://127.0.0.1:40004"), target.url());
    assertTrue(target.source().contains(ImportCommand.RUNNING_DEMO) && target.source().contains(file.toString()), target.source());
    assertTrue(target.mayMintDemoToken());
  }

  @Test
  void catalogueTarget_flag_winsOverARunningDemo() {
    Path file = DemoState.file(dir);
    state(ProcessHandle.current().pid(), "http://127.0.0.1:40004").write(file);

    ImportCommand.CatalogueTarget target = ImportCommand.catalogueTarget(URI.create("http://10.0.0.5:8080"), file);

    assertEquals(URI.create("http://10.0.0.5:8080"), target.url());
    assertEquals("--catalogue", target.source());
    assertFalse(target.mayMintDemoToken());
  }

  @Test
  void catalogueTarget_deadDemo_ignored() throws Exception {
    Process exited = new ProcessBuilder("true").start();
    exited.waitFor();
    Path file = DemoState.file(dir);
    state(exited.pid(), "http://127.0.0.1:40004").write(file);

    assertEquals(ImportCommand.DEFAULT_CATALOGUE, ImportCommand.catalogueTarget(null, file).url());
  }

  @Test
  void mayMintDemoToken_demoCatalogueNotOnLoopback_no() {
    Path file = DemoState.file(dir);
    state(ProcessHandle.current().pid(), "http://10.0.0.7:40004").write(file);

    assertFalse(ImportCommand.catalogueTarget(null, file).mayMintDemoToken());
  }
}
