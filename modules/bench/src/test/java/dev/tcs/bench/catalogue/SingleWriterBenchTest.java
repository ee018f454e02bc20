package dev.tcs.bench.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The benchmark, run for a few writes, so that it keeps working (not a timed test). */
class SingleWriterBenchTest {
  @Test
  void run_fewWrites_timesThePutsAndEveryCallTheyMadeAlone() throws Exception {
    SingleWriterBench.Settings settings = new SingleWriterBench.Settings(5, 20, 4, 600, "10ms");

    SingleWriterBench.Report report = SingleWriterBench.run(settings, CatalogueWriteBench.demoKeys());

    assertEquals(20, report.put().count());
    assertEquals(1.0, report.callsPerPut().get("TransactWriteItems"), 1e-9, report.callsPerPut()::toString);
    for (String call : report.callsPerPut().keySet()) {
      assertEquals(20, report.alone().get(call).count(), call);
    }
    assertTrue(report.dynamoMillis() > 0);
    assertTrue(report.ratio() > 0);
    assertEquals("10ms", report.toJson().getString("publishLinger"));
  }
}
