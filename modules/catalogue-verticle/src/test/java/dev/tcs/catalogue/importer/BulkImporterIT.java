package dev.tcs.catalogue.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.catalogue.CatalogueHarnessAccess;
import dev.tcs.catalogue.testing.BadInputs;
import dev.tcs.catalogue.testing.Http;
import dev.tcs.infra.LocalInfra;
import dev.tcs.infra.LocalInfraExtension;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A JSONL file through the real catalogue: counts, failures with line numbers, idempotent re-runs. */
@ExtendWith(LocalInfraExtension.class)
class BulkImporterIT {
  private static final int TENANTS = 30;
  private static CatalogueHarnessAccess catalogue;
  private static Http http;

  @BeforeAll
  static void deploy(LocalInfra infra) {
    catalogue = CatalogueHarnessAccess.deploy(infra);
    http = catalogue.http();
    assertEquals(201, http.put("/v1/tenants/import-owner", BadInputs.document("import-owner", "owned.import.example.net")).status());
  }

  @AfterAll
  static void close() {
    catalogue.close();
  }

  @Test
  void importFile_mixedLines_importsTheGoodOnes_reportsTheBadByLine_andReRunsIdempotently(@TempDir Path dir) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < TENANTS; i++) {
      lines.add(BadInputs.document("imported-" + i, "imported-" + i + ".example.net").encode());
    }
    lines.add(5, "");
    lines.add(10, "{not json");
    lines.add(15, new JsonObject().put("products", List.of("jira")).encode());
    lines.add(20, BadInputs.document("imported-bad-host", "Not A Host").encode());
    lines.add(25, BadInputs.document("imported-thief", "owned.import.example.net").encode());
    lines.add(27, "[1,2,3]");
    Path file = dir.resolve("tenants.jsonl");
    Files.writeString(file, String.join("\n", lines) + "\n");
    List<ImportProgress> progress = new CopyOnWriteArrayList<>();

    ImportReport first;
    try (BulkImporter importer = new BulkImporter(catalogue.vertx(), URI.create("http://127.0.0.1:" + catalogue.port()), catalogue.writerToken(), 8)) {
      first = importer.importFile(file, progress::add).await();
    }

    assertEquals(TENANTS + 5, first.total());
    assertEquals(TENANTS, first.created());
    assertEquals(0, first.unchanged());
    assertEquals(List.of(11L, 16L, 21L, 26L, 28L), first.failures().stream().map(ImportFailure::line).toList(), first.failures()::toString);
    assertEquals(List.of(0, 0, 400, 409, 0), first.failures().stream().map(ImportFailure::status).toList());
    assertTrue(first.failures().get(2).detail().startsWith("hosts[0]: "), first.failures().get(2).detail());
    ImportProgress last = progress.get(progress.size() - 1);
    assertEquals(TENANTS + 5, last.done());
    assertEquals(TENANTS + 5, last.total());
    assertEquals(5, last.failed());
    assertEquals(
        first.failures().stream().map(ImportFailure::line).sorted().toList(),
        progress.stream().filter(p -> p.failure() != null).map(p -> p.failure().line()).sorted().toList());
    assertEquals(200, http.get("/v1/tenants/imported-7").status());

    ImportReport again;
    try (BulkImporter importer = new BulkImporter(catalogue.vertx(), URI.create("http://127.0.0.1:" + catalogue.port()), catalogue.writerToken(), 8)) {
      again = importer.importFile(file, p -> {}).await();
    }

    assertEquals(0, again.created());
    assertEquals(TENANTS, again.unchanged());
    assertEquals(first.failures().stream().map(ImportFailure::line).toList(), again.failures().stream().map(ImportFailure::line).toList());
    assertEquals(1, http.get("/v1/tenants/imported-7").version());
  }

  @Test
  void importFile_lastLineWithoutNewline_isImported(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("one.jsonl");
    Files.writeString(file, BadInputs.document("imported-no-newline").encode());

    try (BulkImporter importer = new BulkImporter(catalogue.vertx(), URI.create("http://127.0.0.1:" + catalogue.port()), catalogue.writerToken(), 2)) {
      ImportReport report = importer.importFile(file, p -> {}).await();
      assertEquals(1, report.total());
      assertEquals(1, report.created() + report.unchanged());
    }
  }
}
