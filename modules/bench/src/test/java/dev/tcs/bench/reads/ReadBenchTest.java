package dev.tcs.bench.reads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ReadBenchTest {
  @Test
  void onlyRegion_shippedSidecarYaml_keepsThePrimaryAndEverythingElse() throws Exception {
    Path shipped = Path.of("../../config/sidecar.yaml");
    String yaml = Files.readString(shipped);

    String one = ReadBench.onlyRegion(yaml, "us-east");

    assertTrue(one.contains("    us-east:\n      url: http://127.0.0.1:8081\n"), one);
    assertFalse(one.contains("eu-west"), one);
    assertFalse(one.contains("ap-south"), one);
    assertEquals(yaml.lines().count() - 4, one.lines().count(), "only the two other regions' four lines removed");
    assertTrue(one.contains("  request-timeout: 500ms"));
  }

  @Test
  void tenantsNeeded_missesThroughSidecarAndRegion_areSeededBesideTheHitPaths() {
    ReadBench bench = new ReadBench();
    bench.paths = 16;
    bench.missWarmup = 200;
    bench.missSamples = 1000;
    assertEquals(16 + 2 * 1200 + 1, bench.tenantsNeeded());
    bench.missOneRegion = true;
    assertEquals(16 + 3 * 1200 + 1, bench.tenantsNeeded());
    bench.missSamples = 0;
    assertEquals(17, bench.tenantsNeeded());
  }

  @Test
  void metricSum_everySampleOfTheNameAnyLabels_notOfLongerNames() {
    String text = String.join("\n",
        "# HELP jvm_gc_pause_seconds Time spent in GC pause",
        "jvm_gc_pause_seconds_count{action=\"end of minor GC\",cause=\"Allocation Failure\",gc=\"Copy\"} 12.0",
        "jvm_gc_pause_seconds_count{action=\"end of major GC\",cause=\"Metadata GC Threshold\",gc=\"MarkSweepCompact\"} 3.0",
        "jvm_gc_pause_seconds_sum{action=\"end of minor GC\",cause=\"Allocation Failure\",gc=\"Copy\"} 0.25",
        "tcs_sidecar_cache_size 16.0",
        "tcs_sidecar_cache_size_max 100.0",
        "");
    assertEquals(15.0, ReadBench.metricSum(text, "jvm_gc_pause_seconds_count"));
    assertEquals(0.25, ReadBench.metricSum(text, "jvm_gc_pause_seconds_sum"));
    assertEquals(16.0, ReadBench.metricSum(text, "tcs_sidecar_cache_size"));
    assertTrue(Double.isNaN(ReadBench.metricSum(text, "jvm_gc_pause_seconds_max")));
  }
}
