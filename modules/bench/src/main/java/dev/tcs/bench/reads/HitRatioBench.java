package dev.tcs.bench.reads;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The sidecar's hit ratio under a Zipf read mix with catalogue writes, from the sidecar's own
 * counters ({@code tcs_sidecar_reads_total{outcome}} scraped from its {@code /metrics} before and
 * after the measured phase).
 *
 * <p>Starts {@link ReadBenchSystem} (the demo system in its own JVM) seeded through the catalogue
 * API with {@code --tenants} tenants; then the sidecar alone ({@code tcs run sidecar}) with
 * {@code sidecar.prefetch} listing every tenant (the start-up prefetch warms the cache through the
 * miss path), and waits for the prefetch to finish; then runs {@link MixDriver} for {@code
 * --warmup}, scrapes, runs it for {@code --duration}, scrapes again, and prints the ratio with what
 * explains the misses: invalidations applied, reads of a tenant after a write to it was
 * acknowledged, the consumer recheck (one read per 5 s goes to the regions), and the rest.
 *
 * <pre>
 * modules/bench/scripts/hit-ratio.sh [--tenants 100000] [--duration 120]   # --help lists options
 * </pre>
 */
@Command(name = "hit-ratio", mixinStandardHelpOptions = true, description = "Sidecar hit ratio, Zipf reads with catalogue writes, from the sidecar's own metrics.")
public final class HitRatioBench implements Callable<Integer> {
  private static final Pattern SAMPLE = Pattern.compile("^(tcs_sidecar_[a-z_]+)(\\{[^}]*})?\\s+(\\S+)$", Pattern.MULTILINE);
  private static final Pattern TAG = Pattern.compile("(outcome|reason)=\"([^\"]*)\"");

  @Option(names = "--tenants", description = "Tenants seeded through the catalogue and read (default: ${DEFAULT-VALUE}).")
  int tenants = 100_000;

  @Option(names = "--seed-concurrency", description = "Catalogue PUTs in flight while seeding (default: ${DEFAULT-VALUE}).")
  int seedConcurrency = 32;

  @Option(names = "--zipf", description = "Zipf exponent of the reads (default: ${DEFAULT-VALUE}).")
  double zipf = 1.0;

  @Option(names = "--write-percent", description = "Catalogue writes as a percentage of reads (default: ${DEFAULT-VALUE}).")
  double writePercent = 1.0;

  @Option(names = "--write-mix", description = "Which tenants are written: zipf (as read) or uniform (default: ${DEFAULT-VALUE}).")
  String writeMix = "zipf";

  @Option(names = "--reads-in-flight", description = "Sidecar reads in flight (default: ${DEFAULT-VALUE}).")
  int readsInFlight = 16;

  @Option(names = "--writes-in-flight", description = "Catalogue writes in flight at most (default: ${DEFAULT-VALUE}).")
  int writesInFlight = 16;

  @Option(names = "--prefetch-concurrency", description = "sidecar.prefetch.concurrency (default: ${DEFAULT-VALUE}).")
  int prefetchConcurrency = 16;

  @Option(names = "--warmup", description = "Seconds of the mix before the measured phase (default: ${DEFAULT-VALUE}).")
  int warmupSeconds = 20;

  @Option(names = "--duration", description = "Seconds of the measured phase (default: ${DEFAULT-VALUE}).")
  int durationSeconds = 120;

  @Option(names = "--config-dir", description = "Config directory (default: ${DEFAULT-VALUE}).")
  Path configDir = Path.of("config");

  @Option(names = "--work-dir", description = "Logs, tenant and token files (default: a new temp dir).")
  Path workDir;

  @Option(names = "--java-opts", description = "JVM options of the sidecar (default: as ./tcs).")
  String javaOpts = "-Xms256m -Xmx2g -XX:+UseParallelGC";

  @Option(names = "--system-java-opts", description = "JVM options of the system process (default: ${DEFAULT-VALUE}).")
  String systemJavaOpts = "-Xms512m -Xmx3g -XX:+UseParallelGC";

  private final List<ChildProcess> children = new ArrayList<>();

  public static void main(String[] args) {
    System.exit(new CommandLine(new HitRatioBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (!writeMix.equals("zipf") && !writeMix.equals("uniform")) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--write-mix must be zipf or uniform, but was '" + writeMix + "'");
    }
    Path dir = workDir != null ? Files.createDirectories(workDir.toAbsolutePath()) : Files.createTempDirectory("tcs-hit-ratio-");
    Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "hit-ratio-stop"));
    Vertx vertx = Vertx.vertx();
    HttpClient scrapeHttp = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    try {
      System.out.printf("hit-ratio: work dir %s, load average %s%n", dir, ReadBench.loadAverage());
      JsonObject system = startSystem(dir);
      List<String> ids = system.getJsonArray("tenants").stream().map(Object::toString).toList();
      System.out.printf("hit-ratio: system up, %d tenants seeded; load average %s%n", ids.size(), ReadBench.loadAverage());

      long prefetchStart = System.nanoTime();
      String sidecar = startSidecar(dir, system, ids);
      Map<String, Double> prefetched = awaitPrefetch(scrapeHttp, sidecar, ids.size(), Duration.ofMinutes(30));
      System.out.printf(Locale.ROOT, "hit-ratio: prefetch of %d tenants done %.1f s after the sidecar started: %s%n",
          ids.size(), (System.nanoTime() - prefetchStart) / 1e9, prefetched);

      MixDriver driver = new MixDriver(vertx, sidecar, system.getString("catalogue"), system.getString("readerToken"), system.getString("writerToken"),
          ids, zipf, writeMix.equals("uniform"), writePercent / 100, readsInFlight, writesInFlight);
      MixDriver.Stats warm = await(driver, Duration.ofSeconds(warmupSeconds));
      System.out.printf(Locale.ROOT, "hit-ratio: warm-up %d reads, %d writes in %.1f s%n", warm.reads(), warm.writes(), warm.seconds());

      Map<String, Double> before = scrape(scrapeHttp, sidecar);
      String loadBefore = ReadBench.loadAverage();
      MixDriver.Stats run = await(driver, Duration.ofSeconds(durationSeconds));
      Map<String, Double> after = scrape(scrapeHttp, sidecar);
      report(run, delta(before, after), after, loadBefore);
      checkAlive();
      return 0;
    } finally {
      vertx.close();
      stopAll();
    }
  }

  private static MixDriver.Stats await(MixDriver driver, Duration duration) throws Exception {
    return driver.run(duration).toCompletionStage().toCompletableFuture().get(duration.toSeconds() + 120, TimeUnit.SECONDS);
  }

  private void report(MixDriver.Stats run, Map<String, Double> d, Map<String, Double> after, String loadBefore) {
    double hit = d.getOrDefault("tcs_sidecar_reads_total/hit", 0.0);
    double miss = d.getOrDefault("tcs_sidecar_reads_total/miss", 0.0);
    double stale = d.getOrDefault("tcs_sidecar_reads_total/stale", 0.0);
    double error = d.getOrDefault("tcs_sidecar_reads_total/error", 0.0);
    double all = hit + miss + stale + error;
    double recheck = Math.floor(run.seconds() / 5.0); // ConsumerGrants.RECHECK_AFTER: one read of the consumer per 5 s
    double invalidatedBound = run.readsAfterWrite();
    double rest = Math.max(0, miss - invalidatedBound - recheck);
    System.out.printf(Locale.ROOT, "%n=== hit ratio: %d tenants, Zipf s=%.2f reads, writes %.2f %% of reads (%s), %d reads in flight, %d s; load average %s -> %s ===%n",
        tenants, zipf, writePercent, writeMix, readsInFlight, durationSeconds, loadBefore, ReadBench.loadAverage());
    System.out.printf(Locale.ROOT, "driver: %d reads (%.0f/s), %d not 200; %d catalogue writes (%.2f %% of reads), %d failed; %d distinct tenants read%s%n",
        run.reads(), run.reads() / run.seconds(), run.readErrors(), run.writes(), 100.0 * run.writes() / Math.max(1, run.reads()), run.writeErrors(), run.tenantsRead(),
        run.firstError() == null ? "" : "; first error: " + run.firstError());
    System.out.printf(Locale.ROOT, "sidecar reads (tcs_sidecar_reads_total, after - before): %.0f hit, %.0f miss, %.0f stale, %.0f error, %.0f in all%n", hit, miss, stale, error, all);
    System.out.printf(Locale.ROOT, "RESULT hit ratio %.3f %% (target >= 99.5 %%)%n", all == 0 ? Double.NaN : 100 * hit / all);
    double superseded = d.getOrDefault("tcs_sidecar_reads_superseded_total", 0.0);
    System.out.printf(Locale.ROOT, "  of the hits, %.0f answered a superseded value while its refresh ran (tcs_sidecar_reads_superseded_total); without them %.3f %%%n",
        superseded, all == 0 ? Double.NaN : 100 * (hit - superseded) / all);
    System.out.printf(Locale.ROOT, "refresh of invalidated keys (tcs_sidecar_refresh_total): loaded %.0f, cached %.0f, failed %.0f, no-token %.0f, shed %.0f%n",
        d.getOrDefault("tcs_sidecar_refresh_total/loaded", 0.0), d.getOrDefault("tcs_sidecar_refresh_total/cached", 0.0),
        d.getOrDefault("tcs_sidecar_refresh_total/failed", 0.0), d.getOrDefault("tcs_sidecar_refresh_total/no-token", 0.0),
        d.getOrDefault("tcs_sidecar_refresh_total/shed", 0.0));
    System.out.printf(Locale.ROOT, "misses, what explains them:%n");
    System.out.printf(Locale.ROOT, "  invalidated: %d reads of a tenant after a write to it was acknowledged (first read after each write; an upper bound: a read before the invalidation arrived hits)%n", run.readsAfterWrite());
    System.out.printf(Locale.ROOT, "               invalidations applied by the sidecar: %.0f, ignored: %.0f (tcs_sidecar_invalidations_total)%n",
        d.getOrDefault("tcs_sidecar_invalidations_total/applied", 0.0), d.getOrDefault("tcs_sidecar_invalidations_total/ignored", 0.0));
    System.out.printf(Locale.ROOT, "  revalidation: about %.0f (the consumer recheck sends one read per 5 s to the regions)%n", recheck);
    System.out.printf(Locale.ROOT, "  rest (cold, evicted, expired): at least %.0f%n", rest);
    System.out.printf(Locale.ROOT, "  a miss whose answer was not stored misses again at the next read: admissions uncached %.0f, refused %.0f (older than a floor an invalidation left: the regions asked had not ingested the write yet)%n",
        d.getOrDefault("tcs_sidecar_cache_admissions_total/uncached", 0.0), d.getOrDefault("tcs_sidecar_cache_admissions_total/refused", 0.0));
    System.out.printf(Locale.ROOT, "cache: admissions stored %.0f, kept-newer %.0f; flushes %.0f; size after %.0f (tcs_sidecar_cache_*)%n",
        d.getOrDefault("tcs_sidecar_cache_admissions_total/stored", 0.0), d.getOrDefault("tcs_sidecar_cache_admissions_total/kept-newer", 0.0),
        d.entrySet().stream().filter(e -> e.getKey().startsWith("tcs_sidecar_cache_flushes_total")).mapToDouble(Map.Entry::getValue).sum(),
        after.getOrDefault("tcs_sidecar_cache_size", Double.NaN));
  }

  private JsonObject startSystem(Path dir) {
    List<String> command = ReadBench.javaCommand(systemJavaOpts, "");
    command.addAll(List.of(ReadBenchSystem.class.getName(), configDir.toAbsolutePath().toString(), Integer.toString(tenants), "600", Integer.toString(seedConcurrency)));
    ChildProcess system = ChildProcess.start("system", command, Map.of(), dir);
    children.add(system);
    System.out.printf("hit-ratio: starting the system (pid %d), seeding %d tenants through the catalogue (progress in %s)...%n", system.pid(), tenants, system.log());
    return new JsonObject(system.awaitLine(ReadBenchSystem.READY, Duration.ofMinutes(120)));
  }

  /** The sidecar alone, with every tenant in its prefetch list and the reader token in its token file. */
  private String startSidecar(Path dir, JsonObject system, List<String> ids) throws IOException {
    Path tenantsFile = dir.resolve("prefetch-tenants.txt");
    Files.write(tenantsFile, ids, StandardCharsets.UTF_8);
    Path tokenFile = dir.resolve("reader.jwt");
    Files.writeString(tokenFile, system.getString("readerToken"));
    int port = ReadBench.freePort();
    Map<String, String> env = new HashMap<>(ReadBench.sidecarEnvironment(configDir, system, port));
    env.put("TCS_SIDECAR_SIDECAR_PREFETCH_TENANTS_FILE", tenantsFile.toString());
    env.put("TCS_SIDECAR_SIDECAR_PREFETCH_TOKEN_FILE", tokenFile.toString());
    env.put("TCS_SIDECAR_SIDECAR_PREFETCH_CONCURRENCY", Integer.toString(prefetchConcurrency));
    List<String> command = ReadBench.javaCommand(javaOpts, "");
    command.addAll(List.of("dev.tcs.launcher.TcsCommand", "run", "sidecar", "--insecure-join-demo"));
    ChildProcess sidecar = ChildProcess.start("sidecar", command, env, dir);
    children.add(sidecar);
    ReadBench.awaitListening(sidecar, port, Duration.ofSeconds(120));
    return "http://127.0.0.1:" + port;
  }

  /** Polls the sidecar's prefetch counters until every tenant was tried; returns them. */
  private Map<String, Double> awaitPrefetch(HttpClient http, String sidecar, int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, Double> prefetch = Map.of();
    long lastPrint = System.nanoTime();
    while (System.nanoTime() < deadline) {
      prefetch = new HashMap<>();
      for (Map.Entry<String, Double> e : scrape(http, sidecar).entrySet()) {
        if (e.getKey().startsWith("tcs_sidecar_prefetch_total/")) {
          prefetch.put(e.getKey().substring("tcs_sidecar_prefetch_total/".length()), e.getValue());
        }
      }
      double tried = prefetch.values().stream().mapToDouble(Double::doubleValue).sum();
      if (tried >= count) {
        return prefetch;
      }
      if (System.nanoTime() - lastPrint > 30_000_000_000L) {
        lastPrint = System.nanoTime();
        System.out.printf("hit-ratio: prefetch %s of %d; load average %s%n", prefetch, count, ReadBench.loadAverage());
      }
      checkAlive();
      ChildProcess.sleep(500);
    }
    throw new IllegalStateException("the sidecar's prefetch did not try all " + count + " tenants within " + timeout.toMinutes() + " min: " + prefetch);
  }

  /** The sidecar's {@code tcs_sidecar_*} samples, keyed {@code name/outcome} (or {@code name/reason}, or {@code name}), summed over other tags. */
  static Map<String, Double> parse(String text) {
    Map<String, Double> out = new HashMap<>();
    Matcher m = SAMPLE.matcher(text);
    while (m.find()) {
      String key = m.group(1);
      if (m.group(2) != null) {
        Matcher tag = TAG.matcher(m.group(2));
        if (tag.find()) {
          key = key + "/" + tag.group(2);
        }
      }
      out.merge(key, Double.parseDouble(m.group(3)), Double::sum);
    }
    return out;
  }

  private static Map<String, Double> scrape(HttpClient http, String sidecar) {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(sidecar + "/metrics")).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("sidecar /metrics answered " + response.statusCode());
      }
      return parse(response.body());
    } catch (IOException e) {
      throw new IllegalStateException("sidecar /metrics could not be read: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static Map<String, Double> delta(Map<String, Double> before, Map<String, Double> after) {
    Map<String, Double> out = new HashMap<>();
    after.forEach((k, v) -> out.put(k, v - before.getOrDefault(k, 0.0)));
    return out;
  }

  private void checkAlive() {
    for (ChildProcess child : children) {
      if (!child.isAlive()) {
        throw new IllegalStateException(child.name() + " exited; see " + child.log() + ":\n" + child.tail());
      }
    }
  }

  private synchronized void stopAll() {
    for (int i = children.size() - 1; i >= 0; i--) {
      children.get(i).close();
    }
    children.clear();
  }
}
