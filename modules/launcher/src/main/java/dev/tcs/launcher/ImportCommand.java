package dev.tcs.launcher;

import dev.tcs.catalogue.importer.BulkImporter;
import dev.tcs.catalogue.importer.ImportFailure;
import dev.tcs.catalogue.importer.ImportProgress;
import dev.tcs.catalogue.importer.ImportReport;
import dev.tcs.core.auth.AuthConfig;
import dev.tcs.core.auth.Principal;
import dev.tcs.core.auth.Tokens;
import dev.tcs.core.config.Settings;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code tcs import FILE.jsonl}: provisions tenants in bulk through the catalogue's HTTP API,
 * drawing a progress bar on stderr. Safe to re-run: unchanged tenants get no new version.
 *
 * <p>Which catalogue: {@code --catalogue} if given; else a running {@code tcs demo}, found through
 * its state file ({@link DemoState}); else {@code http://127.0.0.1:8080}. Which token:
 * {@code --token}, else {@code $TCS_TOKEN}; into a running demo's loopback catalogue without
 * either, a writer token signed with the demo key of {@code demo.yaml} (what
 * {@code tcs token --writer} prints). It says on stderr which catalogue it writes to and why.
 */
@Command(name = "import", mixinStandardHelpOptions = true, description = "Provision tenants from a JSONL file (one tenant document per line) through the catalogue API.")
final class ImportCommand implements Callable<Integer> {
  private static final int BAR_WIDTH = 40;

  @Parameters(index = "0", paramLabel = "FILE.jsonl", description = "One tenant context document per line, each with its tenantId.")
  Path file;

  /** Where the catalogue is when neither the flag nor a running demo says. */
  static final URI DEFAULT_CATALOGUE = URI.create("http://127.0.0.1:8080");

  static final String RUNNING_DEMO = "running demo";

  @ParentCommand TcsCommand parent;

  @Option(names = "--catalogue", paramLabel = "URL", description = "The catalogue's base URL (default: a running ./tcs demo's or ./tcs up's, else " + "http://127.0.0.1:8080" + ").")
  URI catalogue;

  @Option(names = "--token", paramLabel = "TOKEN", description = "A writer token (default: $TCS_TOKEN; next to a running demo, one signed with the demo key).")
  String token;

  @Option(names = "--concurrency", paramLabel = "N", description = "PUTs in flight at once, 1..256 (default: ${DEFAULT-VALUE}).")
  int concurrency = 16;

  @Override
  public Integer call() {
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException("FILE " + file + " does not exist or cannot be read");
    }
    Map<String, String> env = System.getenv();
    CatalogueTarget target = catalogueTarget(catalogue, DemoState.file(DemoState.directory(env)));
    String writerToken = token != null && !token.isBlank() ? token : env.get(TOKEN_ENV);
    boolean mint = writerToken == null || writerToken.isBlank();
    if (mint && !target.mayMintDemoToken()) {
      throw new IllegalArgumentException(
          "--token (or " + TOKEN_ENV + ") must hold a writer token for " + target.url() + " (" + target.source() + "); ./tcs token --writer prints one");
    }
    Vertx vertx = Vertx.vertx();
    PrintStream err = System.err;
    AtomicLong lastDraw = new AtomicLong();
    if (mint) {
      writerToken = demoWriterToken(vertx);
    }
    err.println("importing into " + target.url() + " (" + target.source() + (mint ? ", demo writer token" : "") + ")");
    try (BulkImporter importer = new BulkImporter(vertx, target.url(), writerToken, concurrency)) {
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

  static final String TOKEN_ENV = "TCS_TOKEN";

  /**
   * The catalogue to import into and where that choice came from.
   *
   * @param url its base URL
   * @param source the flag, the demo state file (with its pid), or the default
   * @param fromDemo true when a running demo's state file named it
   */
  record CatalogueTarget(URI url, String source, boolean fromDemo) {
    /** A demo writer token is only made for a running demo's catalogue on this machine. */
    boolean mayMintDemoToken() {
      String host = url.getHost();
      return fromDemo && host != null && (host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]") || host.equals("::1"));
    }
  }

  /** Where to import into: the flag, a running demo, then the default address. */
  static CatalogueTarget catalogueTarget(URI flag, Path stateFile) {
    if (flag != null) {
      return new CatalogueTarget(flag, "--catalogue", false);
    }
    Optional<DemoState> demo = DemoState.readLive(stateFile);
    Optional<String> url = demo.map(state -> state.components().get("catalogue"));
    if (url.isPresent()) {
      return new CatalogueTarget(URI.create(url.get()), RUNNING_DEMO + ", pid " + demo.get().pid() + ", " + stateFile, true);
    }
    return new CatalogueTarget(DEFAULT_CATALOGUE, "default; no running demo at " + stateFile, false);
  }

  /** What {@code tcs token --writer} prints: a writer token signed with the demo key of demo.yaml. */
  private String demoWriterToken(Vertx vertx) {
    Settings demo = Settings.of("demo", new ConfigFiles(vertx, parent.configDir(), System.getenv()).load("demo"));
    Tokens tokens = new Tokens(vertx, AuthConfig.from(demo.section("auth"), parent.configDir()));
    return tokens.issue("tcs-import", Set.of(Principal.WRITER), Duration.ofHours(12));
  }

  static String bar(ImportProgress progress) {
    long total = Math.max(1, progress.total());
    int filled = (int) (BAR_WIDTH * Math.min(progress.done(), total) / total);
    return "[" + "#".repeat(filled) + " ".repeat(BAR_WIDTH - filled) + "] "
        + progress.done() + "/" + progress.total()
        + (progress.failed() > 0 ? " (" + progress.failed() + " failed)" : "");
  }
}
