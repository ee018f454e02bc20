package dev.tcs.bench.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The benchmark, run for a few operations, so that it keeps working. */
class CatalogueWriteBenchTest {
  @Test
  void run_fewOperations_measuresBothPhasesWithoutErrors() throws Exception {
    // Short phases; each lasts until it saw 5 operations, so a machine busy with other work
    // slows this test down instead of leaving a phase empty.
    CatalogueWriteBench.BenchSettings settings =
        new CatalogueWriteBench.BenchSettings(2, Duration.ofMillis(400), Duration.ofMillis(900), 300, true, true, 5);

    CatalogueWriteBench.Report report = CatalogueWriteBench.run(settings, CatalogueWriteBench.demoKeys());

    assertTrue(report.raw().ok() >= 5, report.raw()::toString);
    assertTrue(report.catalogue().ok() >= 5, report.catalogue()::toString);
    assertEquals(0, report.raw().errors());
    assertEquals(0, report.catalogue().errors());
    assertTrue(report.ratio() > 0);
    assertEquals(3, report.breakdown().size());
    assertTrue(report.breakdown().stream().allMatch(phase -> phase.ok() >= 5 && phase.errors() == 0), report.breakdown()::toString);
    assertTrue(report.published() > 0, "the outbox published nothing");
    assertTrue(report.toJson().containsKey("throughputRatio"));
  }

  @Test
  void document_hasAboutTheRequestedSize() {
    int size = CatalogueWriteBench.document("bench-1", 600).encode().length();
    assertTrue(size > 550 && size <= 600, "size " + size);
  }

  @Test
  void parseDuration_units_areRead() {
    assertEquals(Duration.ofMillis(500), CatalogueWriteBench.parseDuration("--warmup", "500ms"));
    assertEquals(Duration.ofSeconds(20), CatalogueWriteBench.parseDuration("--warmup", "20s"));
    assertEquals(Duration.ofMinutes(1), CatalogueWriteBench.parseDuration("--warmup", "1m"));
  }
}
