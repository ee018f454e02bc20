package dev.tcs.bench.reads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuUseTest {
  @Test
  void processTicks_thisJvm_countsTheCpuItSpent() {
    long before = CpuUse.processTicks(ProcessHandle.current().pid());
    long spin = System.nanoTime() + 300_000_000L;
    long sum = 0;
    while (System.nanoTime() < spin) {
      sum += Long.numberOfTrailingZeros(sum + System.nanoTime());
    }

    long after = CpuUse.processTicks(ProcessHandle.current().pid());

    assertTrue(sum >= 0);
    assertTrue(after - before >= 10, "0.3 s of spinning should count at least 0.1 s; counted " + (after - before) + " ticks");
  }

  @Test
  void processTicks_noSuchProcess_isZero() {
    assertEquals(0, CpuUse.processTicks(Long.MAX_VALUE));
  }

  @Test
  void report_namesEveryProcessAndTheMachine() {
    String report = CpuUse.start(Map.of("bench", ProcessHandle.current().pid())).report();

    assertTrue(report.contains("bench "), report);
    assertTrue(report.contains("machine"), report);
  }

  @Test
  void report_rightAfterStart_givesNoShareOfACoreOverASpanOfNoTicks() {
    String report = CpuUse.start(Map.of("bench", ProcessHandle.current().pid())).report();

    assertTrue(report.matches(".*bench \\d+\\.\\d s \\((span under one tick|\\d{1,3} %) of a core\\).*"), report);
  }
}
