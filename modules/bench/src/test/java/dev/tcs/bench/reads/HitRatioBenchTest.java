package dev.tcs.bench.reads;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class HitRatioBenchTest {
  @Test
  void parse_prometheusText_sumsByNameAndOutcome() {
    String text =
        """
        # HELP tcs_sidecar_reads_total Reads answered to the application, by how they were answered
        # TYPE tcs_sidecar_reads_total counter
        tcs_sidecar_reads_total{outcome="hit"} 995.0
        tcs_sidecar_reads_total{outcome="miss"} 5.0
        tcs_sidecar_cache_flushes_total{reason="gap"} 1.0
        tcs_sidecar_region_requests_total{outcome="ok",region="us-east"} 3.0
        tcs_sidecar_region_requests_total{outcome="ok",region="eu-west"} 4.0
        tcs_sidecar_cache_size 1000.0
        jvm_threads_live_threads 40.0
        """;

    Map<String, Double> parsed = HitRatioBench.parse(text);

    assertEquals(995.0, parsed.get("tcs_sidecar_reads_total/hit"));
    assertEquals(5.0, parsed.get("tcs_sidecar_reads_total/miss"));
    assertEquals(1.0, parsed.get("tcs_sidecar_cache_flushes_total/gap"));
    assertEquals(7.0, parsed.get("tcs_sidecar_region_requests_total/ok"));
    assertEquals(1000.0, parsed.get("tcs_sidecar_cache_size"));
    assertEquals(5, parsed.size(), "only tcs_sidecar_* samples: " + parsed);
  }
}
