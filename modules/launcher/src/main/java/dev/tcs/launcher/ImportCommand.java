package dev.tcs.launcher;

import dev.tcs.catalogue.importer.BulkImporter;
import dev.tcs.catalogue.importer.ImportFailure;
import dev.tcs.catalogue.importer.ImportProgress;
import dev.tcs.catalogue.importer.ImportReport;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tcs import FILE.jsonl}: provisions tenants in bulk through the catalogue's HTTP API,
 * drawing a progress bar on stderr. Safe to re-run: unchanged tenants get no new version.
 */
@Command(name = "import", mixinStandardHelpOptions = true, description = "Provision tenants from a JSONL file (one tenant document per line) through the catalogue API.")
final class ImportCommand implements Callable<Integer> {
  private static final int BAR_WIDTH = 40;

  @Parameters(index = "0", paramLabel = "FILE.jsonl", description = "One tenant context document per line, each with its tenantId.")
  Path file;

  @Option(names = "--catalogue", paramLabel = "URL", description = "The catalogue's base URL (default: the running demo's or tcs up's, else http://127.0.0.1:8080).")
  URI catalogue;

  @Option(names = "--token", paramLabel = "TOKEN", description = "A writer token (default: $TCS_TOKEN).")
  String token = System.getenv("TCS_TOKEN");

  @Option(names = "--concurrency", paramLabel = "N", description = "PUTs in flight at once, 1..256 (default: ${DEFAULT-VALUE}).")
  int concurrency = 16;

  @Override
  public Integer call() {
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException("FILE " + file + " does not exist or cannot be read");
    }
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("--token (or TCS_TOKEN) must hold a writer token; ./tcs token --writer prints one");
    }
    if (catalogue == null) {
      catalogue =
          URI.create(
              DemoState.readLive(DemoState.file(DemoState.directory(System.getenv())))
                  .map(state -> state.components().get("catalogue"))
                  .orElse("http://127.0.0.1:8080"));
    }
    Vertx vertx = Vertx.vertx();
    PrintStream err = System.err;
    AtomicLong lastDraw = new AtomicLong();
    try (BulkImporter importer = new BulkImporter(vertx, catalogue, token, concurrency)) {
      ImportReport report =
          importer
              .importFile(
                  file,
                  progress -> {
                    long now = System.nanoTime();
                    if (progress.done() == progress.total() || now - lastDraw.get() > 100_000_000L) {
                      lastDraw.set(now);
                      err.print("\r" + bar(progress));
                    }
                  })
              .await();
      err.println();
      for (ImportFailure failure : report.failures()) {
        err.printf("line %d (%s): HTTP %d %s%n", failure.line(), failure.tenantId(), failure.status(), failure.detail());
      }
      System.out.printf(
          "%d lines: %d created, %d updated, %d unchanged, %d failed%n",
          report.total(), report.created(), report.updated(), report.unchanged(), report.failures().size());
      return report.succeeded() ? 0 : 2;
    } finally {
      vertx.close().await();
    }
  }

  static String bar(ImportProgress progress) {
    long total = Math.max(1, progress.total());
    int filled = (int) (BAR_WIDTH * Math.min(progress.done(), total) / total);
    return "[" + "#".repeat(filled) + " ".repeat(BAR_WIDTH - filled) + "] "
        + progress.done() + "/" + progress.total()
        + (progress.failed() > 0 ? " (" + progress.failed() + " failed)" : "");
  }
}
