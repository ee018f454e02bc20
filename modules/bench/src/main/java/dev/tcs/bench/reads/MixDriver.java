package dev.tcs.bench.reads;

import dev.tcs.launcher.drill.Zipf;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The read/write mix of {@link HitRatioBench}: tenant reads at the sidecar (HTTP/2, {@code
 * readsInFlight} at once, closed loop), tenants drawn with Zipf's law, and catalogue writes (a
 * {@code PUT} that changes the tenant's jira view) at {@code writeFraction} of the reads sent: a
 * read is not sent while a write is due and the write slots are full, so the fraction holds
 * whatever the catalogue's pace. Written tenants are drawn from the same Zipf law, or uniformly.
 *
 * <p>Every request is issued on one Vert.x context and its answers come back there (no state is
 * shared between threads; see {@link BodyCheck} for why requests are not issued from other
 * threads). Per tenant it remembers whether a write was acknowledged since the tenant's last read,
 * so that the reads that could find the entry invalidated are counted.
 */
final class MixDriver {
  /** What one run sent and saw. */
  record Stats(long reads, long readErrors, long writes, long writeErrors, long readsAfterWrite, long tenantsRead, double seconds, String firstError) {}

  private final Context context;
  private final HttpClientAgent sidecarHttp;
  private final HttpClientAgent catalogueHttp;
  private final String sidecar;
  private final String catalogue;
  private final String readAuthorization;
  private final String writeAuthorization;
  private final List<String> tenants;
  private final Zipf zipf;
  private final boolean uniformWrites;
  private final double writeFraction;
  private final int readsInFlight;
  private final int writesInFlight;
  private final SplittableRandom random = new SplittableRandom(7);
  private final boolean[] writtenSinceRead;
  private final boolean[] everRead;
  private long revision;

  MixDriver(Vertx vertx, String sidecar, String catalogue, String readerToken, String writerToken, List<String> tenants,
      double zipfExponent, boolean uniformWrites, double writeFraction, int readsInFlight, int writesInFlight) {
    this.context = vertx.getOrCreateContext();
    this.sidecarHttp = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false), new PoolOptions().setHttp2MaxSize(2));
    this.catalogueHttp = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(writesInFlight));
    this.sidecar = sidecar;
    this.catalogue = catalogue;
    this.readAuthorization = "Bearer " + readerToken;
    this.writeAuthorization = "Bearer " + writerToken;
    this.tenants = tenants;
    this.zipf = new Zipf(tenants.size(), zipfExponent);
    this.uniformWrites = uniformWrites;
    this.writeFraction = writeFraction;
    this.readsInFlight = readsInFlight;
    this.writesInFlight = writesInFlight;
    this.writtenSinceRead = new boolean[tenants.size()];
    this.everRead = new boolean[tenants.size()];
  }

  /** Runs the mix for {@code duration}; the future completes once every request sent has ended. */
  Future<Stats> run(Duration duration) {
    Promise<Stats> done = Promise.promise();
    context.runOnContext(v -> new Run(duration, done).pump());
    return done.future();
  }

  /** One run's counters; confined to the driver's context. */
  private final class Run {
    private final long start = System.nanoTime();
    private final long end;
    private final Promise<Stats> done;
    private long reads;
    private long readErrors;
    private long writes;
    private long writeErrors;
    private long readsAfterWrite;
    private long tenantsRead;
    private int readsOut;
    private int writesOut;
    private String firstError;

    Run(Duration duration, Promise<Stats> done) {
      this.end = start + duration.toNanos();
      this.done = done;
    }

    void pump() {
      boolean open = System.nanoTime() < end;
      while (open) {
        boolean writeDue = writes < (long) Math.floor(reads * writeFraction);
        if (writeDue) {
          if (writesOut < writesInFlight) {
            write();
            continue;
          }
          break; // a write is due and none can be sent: no read either, so the fraction holds
        }
        if (readsOut < readsInFlight) {
          read();
          continue;
        }
        break;
      }
      if (!open && readsOut == 0 && writesOut == 0 && !done.future().isComplete()) {
        done.complete(new Stats(reads, readErrors, writes, writeErrors, readsAfterWrite, tenantsRead, (System.nanoTime() - start) / 1e9, firstError));
      }
    }

    private void read() {
      int rank = zipf.next(random);
      reads++;
      readsOut++;
      if (writtenSinceRead[rank]) {
        writtenSinceRead[rank] = false;
        readsAfterWrite++;
      }
      if (!everRead[rank]) {
        everRead[rank] = true;
        tenantsRead++;
      }
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(sidecar + "/v1/tenants/" + tenants.get(rank) + "/context")
          .putHeader("Authorization", readAuthorization).setIdleTimeout(10_000);
      sidecarHttp.request(options)
          .compose(request -> request.send())
          .compose(response -> response.body().map(body -> response.statusCode()))
          .onComplete(answer -> {
            readsOut--;
            if (answer.failed() || answer.result() != 200) {
              readErrors++;
              noteError("read " + tenants.get(rank) + ": " + (answer.failed() ? answer.cause() : "status " + answer.result()));
            }
            pump();
          });
    }

    private void write() {
      int rank = uniformWrites ? random.nextInt(tenants.size()) : zipf.next(random);
      String tenant = tenants.get(rank);
      writes++;
      writesOut++;
      JsonObject doc = ReadBenchSystem.tenantDoc(tenant, 300);
      doc.getJsonObject("jira").put("rev", ++revision);
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.PUT).setAbsoluteURI(catalogue + "/v1/tenants/" + tenant)
          .putHeader("Authorization", writeAuthorization).putHeader("Content-Type", "application/json").setIdleTimeout(30_000);
      catalogueHttp.request(options)
          .compose(request -> request.send(doc.toBuffer()))
          .compose(response -> response.body().map(body -> response.statusCode()))
          .onComplete(answer -> {
            writesOut--;
            if (answer.failed() || answer.result() / 100 != 2) {
              writeErrors++;
              noteError("write " + tenant + ": " + (answer.failed() ? answer.cause() : "status " + answer.result()));
            } else {
              writtenSinceRead[rank] = true;
            }
            pump();
          });
    }

    private void noteError(String error) {
      if (firstError == null) {
        firstError = error;
      }
    }
  }
}
