package dev.tcs.catalogue.importer;

import dev.tcs.core.model.TenantIds;
import dev.tcs.core.model.ValidationException;
import dev.tcs.core.retry.Backoff;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Provisions tenants in bulk from a JSONL file (one tenant document per line, each with its
 * {@code tenantId}) by PUTting each through the catalogue's HTTP API with a writer token.
 *
 * <p>Safe to re-run: a PUT of a document the tenant already has creates no version and is
 * reported as unchanged. Lines are sent {@code concurrency} at a time, reading the file only as
 * fast as answers come back; a 5xx or a connection failure is retried a few times with backoff,
 * anything else the catalogue refuses is reported with its line number and problem detail, and
 * the import goes on. Blank lines are skipped (but counted in line numbers).
 *
 * <p>Uses a Vert.x HTTP client and async file; counting the lines first (for the progress total)
 * reads the file once on a worker thread. The progress callback runs on an event loop after each
 * line: keep it short. Not a verticle: call it from {@code main} (the launcher's
 * {@code ./tcs import FILE.jsonl}) or any thread.
 */
public final class BulkImporter implements AutoCloseable {
  /** Longest line read; longer lines stop the import (the catalogue refuses documents over 64 KiB anyway). */
  public static final int MAX_LINE_BYTES = 1024 * 1024;

  private static final Logger log = LoggerFactory.getLogger(BulkImporter.class);
  private static final int ATTEMPTS = 4;
  private static final Backoff RETRY = Backoff.exponential(Duration.ofMillis(200), Duration.ofSeconds(2));
  private static final long TIMEOUT_MS = 30_000;

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final URI catalogue;
  private final String token;
  private final int concurrency;

  /**
   * @param catalogue the catalogue's base URI, e.g. {@code http://127.0.0.1:8080}
   * @param token a bearer token with role {@code writer}
   * @param concurrency PUTs in flight at once (1..256)
   */
  public BulkImporter(Vertx vertx, URI catalogue, String token, int concurrency) {
    if (concurrency < 1 || concurrency > 256) {
      throw new IllegalArgumentException("concurrency must be in 1..256, but was " + concurrency);
    }
    if (catalogue.getHost() == null || !"http".equals(catalogue.getScheme())) {
      throw new IllegalArgumentException("catalogue must be an http:// URI, but was " + catalogue);
    }
    this.vertx = vertx;
    this.catalogue = catalogue;
    this.token = token;
    this.concurrency = concurrency;
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true).setConnectTimeout(5_000),
            new PoolOptions().setHttp1MaxSize(concurrency));
  }

  /**
   * Imports every line of {@code file}.
   *
   * @param progress told after each line (on an event loop)
   * @return the report once every line is done; fails only if the file cannot be read
   */
  public Future<ImportReport> importFile(Path file, Consumer<ImportProgress> progress) {
    Context context = vertx.getOrCreateContext();
    Promise<ImportReport> result = Promise.promise();
    context.runOnContext(
        v ->
            vertx.executeBlocking(() -> countLines(file), false)
                .compose(total -> vertx.fileSystem().open(file.toString(), new OpenOptions().setRead(true)).map(f -> new Run(context, f, total, progress)))
                .compose(Run::start)
                .onComplete(result));
    return result.future();
  }

  @Override
  public void close() {
    client.close();
  }

  /** Closes the HTTP client, asynchronously. */
  public Future<Void> closeAsync() {
    return client.close();
  }

  /** One pass over one file; all its state lives on one context. */
  private final class Run {
    private final Context context;
    private final AsyncFile file;
    private final RecordParser lines;
    private final long total;
    private final Consumer<ImportProgress> progress;
    private final Promise<ImportReport> finished = Promise.promise();
    private final List<ImportFailure> failures = new ArrayList<>();
    private long lineNumber;
    private long done;
    private long created;
    private long updated;
    private long unchanged;
    private int inFlight;
    private boolean ended;

    Run(Context context, AsyncFile file, long total, Consumer<ImportProgress> progress) {
      this.context = context;
      this.file = file;
      this.total = total;
      this.progress = progress;
      this.lines = RecordParser.newDelimited("\n", file).maxRecordSize(MAX_LINE_BYTES);
    }

    Future<ImportReport> start() {
      lines.exceptionHandler(this::readFailed);
      lines.endHandler(v -> {
        ended = true;
        finishIfDone();
      });
      lines.handler(this::line);
      return finished.future();
    }

    private void line(Buffer raw) {
      long number = ++lineNumber;
      String text = raw.toString(StandardCharsets.UTF_8).strip();
      if (text.isEmpty()) {
        return;
      }
      JsonObject document;
      try {
        Object value = Buffer.buffer(text).toJsonValue();
        if (!(value instanceof JsonObject object)) {
          failed(new ImportFailure(number, null, 0, "line is not a JSON object"));
          return;
        }
        document = object;
      } catch (DecodeException e) {
        failed(new ImportFailure(number, null, 0, "line is not valid JSON"));
        return;
      }
      Object tenantId = document.getValue("tenantId");
      if (!(tenantId instanceof String id) || !TenantIds.isValid(id)) {
        failed(new ImportFailure(number, null, 0, "tenantId must match " + TenantIds.RULE + ", but was " + ValidationException.quote(tenantId)));
        return;
      }
      inFlight++;
      if (inFlight >= concurrency) {
        lines.pause();
      }
      put(id, Buffer.buffer(text))
          .onComplete(
              answer -> {
                inFlight--;
                if (answer.succeeded()) {
                  record(number, id, answer.result());
                } else {
                  failed(new ImportFailure(number, id, 0, "catalogue unreachable: " + answer.cause().getMessage()));
                }
                if (inFlight < concurrency && !ended) {
                  lines.resume();
                }
                finishIfDone();
              });
    }

    /** One PUT, retried by {@link #RETRY} after a 5xx or a connection failure. */
    private Future<Answer> put(String tenantId, Buffer body) {
      return RETRY.retry(vertx, ATTEMPTS, attempt -> send(tenantId, body), done -> done.failed() || done.result().status() >= 500);
    }

    private Future<Answer> send(String tenantId, Buffer body) {
      RequestOptions options =
          new RequestOptions()
              .setMethod(HttpMethod.PUT)
              .setAbsoluteURI(catalogue.resolve("/v1/tenants/" + tenantId).toString())
              .setTimeout(TIMEOUT_MS)
              .putHeader("Content-Type", "application/json")
              .putHeader("Authorization", "Bearer " + token);
      return client.request(options)
          .compose(request -> request.send(body))
          .compose(response -> response.body().map(bytes -> new Answer(response.statusCode(), bytes)));
    }

    private void record(long number, String tenantId, Answer answer) {
      JsonObject body = answer.json();
      if (answer.status() == 201) {
        created++;
      } else if (answer.status() == 200 && "unchanged".equals(body.getString("change"))) {
        unchanged++;
      } else if (answer.status() == 200) {
        updated++;
      } else {
        String field = body.getString("field");
        String detail = body.getString("detail", "HTTP " + answer.status());
        failed(new ImportFailure(number, tenantId, answer.status(), field == null ? detail : field + ": " + detail));
        return;
      }
      step(null);
    }

    private void failed(ImportFailure failure) {
      failures.add(failure);
      step(failure);
    }

    private void step(ImportFailure failure) {
      done++;
      try {
        progress.accept(new ImportProgress(done, total, failures.size(), failure));
      } catch (RuntimeException e) {
        log.warn("import progress callback failed reason={}", e.toString());
      }
    }

    private void readFailed(Throwable e) {
      log.warn("import stopped reading line={} reason={}", lineNumber + 1, e.toString());
      if (!finished.future().isComplete()) {
        file.close();
        finished.tryFail(new IllegalStateException("cannot read line " + (lineNumber + 1) + ": " + e.getMessage(), e));
      }
    }

    private void finishIfDone() {
      if (ended && inFlight == 0 && !finished.future().isComplete()) {
        file.close();
        failures.sort(Comparator.comparingLong(ImportFailure::line));
        finished.tryComplete(new ImportReport(done, created, updated, unchanged, failures));
      }
    }
  }

  /** An HTTP answer: status and body. */
  private record Answer(int status, Buffer body) {
    JsonObject json() {
      try {
        return body.length() > 0 && body.toJsonValue() instanceof JsonObject object ? object : new JsonObject();
      } catch (DecodeException e) {
        return new JsonObject();
      }
    }
  }

  /** Counts the non-blank lines (as the parser splits them, on a newline) without decoding text. */
  private static long countLines(Path file) throws IOException {
    long count = 0;
    boolean content = false;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
      int b;
      while ((b = in.read()) != -1) {
        if (b == '\n') {
          count += content ? 1 : 0;
          content = false;
        } else if (!Character.isWhitespace(b)) {
          content = true;
        }
      }
    }
    return count + (content ? 1 : 0);
  }
}
