package dev.tcs.bench.reads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class H2LoadTest {
  private static final String SUMMARY =
      """
      finished in 10.00s, 27012.30 req/s, 19.77MB/s
      requests: 270123 total, 270635 started, 270123 done, 270100 succeeded, 23 failed, 0 errored, 0 timeout
      status codes: 270100 2xx, 0 3xx, 7 4xx, 0 5xx
      traffic: 197.70MB (207302451) total, 1.03MB (1080492) headers (space savings 95.43%), 154.55MB (162073800) data
      """;

  @Test
  void parseThroughput_summary_readsRateSuccessesAndErrors() {
    H2Load.Throughput throughput = H2Load.parseThroughput(SUMMARY);

    assertEquals(27012.30, throughput.requestsPerSecond(), 0.001);
    assertEquals(270100, throughput.succeeded());
    assertEquals(23, throughput.failed());
    assertEquals(7, throughput.non2xx());
  }

  @Test
  void parseThroughput_noSummary_throwsWithTheOutput() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> H2Load.parseThroughput("connect: Connection refused"));
    assertEquals(true, e.getMessage().contains("Connection refused"));
  }

  @Test
  void parseLatency_logLines_percentilesOfThirdColumnAndNon200Count() {
    List<String> lines = new ArrayList<>();
    for (int i = 1; i <= 1000; i++) {
      lines.add("1764599000" + i + "\t" + (i == 500 ? "404" : "200") + "\t" + i);
    }

    H2Load.Latency latency = H2Load.parseLatency(lines, 1234.0);

    assertEquals(1000, latency.count());
    assertEquals(500, latency.p50());
    assertEquals(990, latency.p99());
    assertEquals(1000, latency.max());
    assertEquals(1, latency.non200());
  }

  @Test
  void spread_evenAndOdd_medianMinMax() {
    assertEquals("2.00x (1.00x-9.00x)", ReadBench.spread(new double[] {9, 1, 2}, "%.2fx"));
    assertEquals("3 (1-9)", ReadBench.spread(new double[] {9, 1, 2, 4}, "%.0f"));
  }
}
