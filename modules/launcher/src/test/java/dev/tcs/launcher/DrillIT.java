package dev.tcs.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code tcs drill --short} in the suite: the demo system on free ports, load on the sidecar and
 * the catalogue, every scripted phase, and the drill must pass: no client-visible error, no
 * version regression, every write visible everywhere within the target after its fault cleared.
 * In the sidecar restart (every region down) a read is owed an answer when the sidecar had
 * answered its tenant's newest written version before: its warm restart answers those stale.
 *
 * <p>Lighter than the command's default (200 tenants, 100 reads/s, a 5 s freshness target) so that a CI box
 * shared with other builds does not fail it for want of CPU; BENCHMARKS.md holds a default run.
 */
class DrillIT {
  private static final Path CONFIG = Path.of("../../config").toAbsolutePath().normalize();

  @Test
  void shortDrill_everyPhasePasses() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine command = new CommandLine(new TcsCommand());
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));

    int exit =
        command.execute(
            "--config-dir", CONFIG.toString(), "drill", "--short", "--reads-per-second", "100", "--tenants", "200", "--freshness-target", "5s");

    String printed = out + "\n" + err;
    assertEquals(0, exit, printed);
    for (String phase : List.of("baseline", "region-off", "region-slow", "ingest-paused", "kafka-restart", "dynamo-failing", "hazelcast-member-killed", "sidecar-restart")) {
      assertTrue(printed.lines().anyMatch(line -> line.startsWith(phase + " ") && line.endsWith(" ok")), phase + " did not pass:\n" + printed);
    }
    assertTrue(printed.contains("drill PASSED"), printed);
    assertTrue(
        printed.lines().anyMatch(line -> line.startsWith("region-process-killed ") && line.contains("skipped: not under ./tcs up")),
        "the phase that needs ./tcs up is reported as skipped with its reason:\n" + printed);
  }

  @Test
  void drillSkippingAnUnknownPhase_isRefusedNamingTheOption() {
    StringWriter err = new StringWriter();
    CommandLine command = new CommandLine(new TcsCommand());
    command.setErr(new PrintWriter(err, true));
    int exit = command.execute("--config-dir", CONFIG.toString(), "drill", "--skip", "tea-break");
    assertEquals(2, exit, err.toString());
    assertTrue(err.toString().contains("--skip"), err.toString());
  }
}
