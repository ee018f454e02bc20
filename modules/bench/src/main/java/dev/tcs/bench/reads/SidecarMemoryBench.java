package dev.tcs.bench.reads;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Resident memory of a sidecar holding {@code --tenants} cached views of {@code --view-bytes}
 * bytes, against the same sidecar empty, in the same run.
 *
 * <p>Starts {@link SidecarMemorySystem} (the demo system holding the tenants, in its own JVM);
 * then, for each {@code --variant} in turn (JVM options; by default only what {@code ./tcs run
 * sidecar} gives), starts a sidecar alone with {@code ./tcs run sidecar --insecure-join-demo}
 * (its own JVM, configured through {@code TCS_SIDECAR_*} as a deployment would, JVM options
 * through {@code TCS_JAVA_OPTS}), and measures it twice: empty (listening, nothing read), and
 * full (after reading every tenant once through it, each answer checked for status 200 and size).
 * Each measure runs {@code jcmd GC.class_histogram} (a full GC; its total is the live heap, its
 * top lines are saved to the work dir), {@code jcmd GC.heap_info} (heap committed), waits a second,
 * and reads {@code VmRSS} from {@code /proc/PID/status}; with
 * {@code -XX:NativeMemoryTracking=summary} among the options it also saves
 * {@code jcmd VM.native_memory summary}. Prints each figure, the cache size from the sidecar's
 * {@code /metrics}, and the bytes per entry: (full - empty) / tenants, for RSS and for the live
 * heap.
 *
 * <pre>
 * modules/bench/scripts/memory.sh                                  # as ./tcs run sidecar
 * modules/bench/scripts/memory.sh --variant 'before=-Xms256m -Xmx2g -XX:+UseParallelGC'
 * </pre>
 */
@Command(
    name = "sidecar-memory-bench",
    mixinStandardHelpOptions = true,
    description = "RSS and live heap of a sidecar holding N cached views vs the same sidecar empty.")
public final class SidecarMemoryBench implements Callable<Integer> {
  /** The name of the variant that runs the sidecar with the {@code tcs} script's own JVM options. */
  static final String AS_TCS = "tcs";

  private static final Pattern USED = Pattern.compile("total (\\d+)K, used (\\d+)K");
  private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)\\s*$");

  @Option(names = "--tenants", description = "Distinct tenants (cached views) (default: ${DEFAULT-VALUE}).")
  int tenants = 100_000;

  @Option(names = "--view-bytes", description = "Size of each view body (default: ${DEFAULT-VALUE}).")
  int viewBytes = 600;

  @Option(names = "--concurrency", description = "Reads in flight while filling the sidecar (default: ${DEFAULT-VALUE}).")
  int concurrency = 16;

  @Option(
      names = "--variant",
      description = "NAME=JVM OPTIONS of a sidecar to measure (TCS_JAVA_OPTS), repeatable, in order; "
          + "the name '" + AS_TCS + "' with empty options runs the tcs script's defaults (default: tcs=).")
  Map<String, String> variants = new LinkedHashMap<>(Map.of(AS_TCS, ""));

  @Option(names = "--histogram-lines", description = "Histogram classes printed per measure (default: ${DEFAULT-VALUE}).")
  int histogramLines = 12;

  @Option(names = "--config-dir", description = "Config directory (default: ${DEFAULT-VALUE}).")
  Path configDir = Path.of("config");

  @Option(names = "--tcs", description = "The tcs script that starts the sidecar (default: ${DEFAULT-VALUE}).")
  Path tcsScript = Path.of("tcs");

  @Option(
      names = "--tcs-for",
      description = "NAME=PATH: the tcs script (and so the build) that starts variant NAME, e.g. a copy of another commit's; default --tcs.")
  Map<String, Path> tcsFor = new HashMap<>();

  @Option(
      names = "--system-ready",
      description = "Measure against a system already running: a file holding its READY line (the log of a SidecarMemorySystem "
          + "started by hand, kept alive by an open stdin), instead of starting one. It must hold --tenants tenants.")
  Path systemReady;

  @Option(names = "--system-java-opts", description = "JVM options of the system process (default: ${DEFAULT-VALUE}).")
  String systemJavaOpts = "-Xms256m -Xmx3g -XX:+UseParallelGC";

  @Option(names = "--work-dir", description = "Logs, histograms (default: a new temp dir).")
  Path workDir;

  private final List<ChildProcess> children = new ArrayList<>();

  public static void main(String[] args) {
    System.exit(new CommandLine(new SidecarMemoryBench()).execute(args));
  }

  /** One measure of one sidecar process. */
  record Measure(long rssKb, long liveHeapBytes, long heapCommittedKb, long cacheSize) {}

  @Override
  public Integer call() throws Exception {
    Path dir = workDir != null ? Files.createDirectories(workDir.toAbsolutePath()) : Files.createTempDirectory("tcs-memory-bench-");
    Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "memory-bench-stop"));
    Vertx vertx = Vertx.vertx();
    try {
      System.out.printf("memory-bench: work dir %s, load average %s%n", dir, ReadBench.loadAverage());
      JsonObject system = systemReady != null ? attach(systemReady) : startSystem(dir);
      System.out.printf("memory-bench: system up, %d tenants of %d bytes, load average %s%n", tenants, viewBytes, ReadBench.loadAverage());
      String bearer = "Bearer " + system.getString("readerToken");
      Map<String, Measure[]> results = new LinkedHashMap<>();
      for (Map.Entry<String, String> variant : variants.entrySet()) {
        results.put(variant.getKey(), measureVariant(vertx, dir, system, bearer, variant.getKey(), variant.getValue()));
      }
      System.out.println();
      System.out.printf("memory-bench: %d views of %d bytes; load average %s; histograms and logs in %s%n", tenants, viewBytes, ReadBench.loadAverage(), dir);
      System.out.println("| variant | JVM options | RSS empty | RSS full | RSS / entry | live heap empty | live heap full | heap / entry | heap committed full |");
      System.out.println("|---|---|---|---|---|---|---|---|---|");
      results.forEach((name, m) -> System.out.printf(Locale.ROOT, "| %s | `%s` | %.1f MB | **%.1f MB** | %d B | %.1f MB | %.1f MB | %d B | %.1f MB |%n",
          name, optionsText(variants.get(name)), m[0].rssKb() / 1024.0, m[1].rssKb() / 1024.0, (m[1].rssKb() - m[0].rssKb()) * 1024 / tenants,
          m[0].liveHeapBytes() / 1048576.0, m[1].liveHeapBytes() / 1048576.0, (m[1].liveHeapBytes() - m[0].liveHeapBytes()) / tenants, m[1].heapCommittedKb() / 1024.0));
      return 0;
    } finally {
      stopAll();
      vertx.close().await();
    }
  }

  private static String optionsText(String options) {
    return options.isBlank() ? "(tcs script default)" : options;
  }

  private Measure[] measureVariant(Vertx vertx, Path dir, JsonObject system, String bearer, String name, String options) throws Exception {
    int port = freePort();
    ChildProcess sidecar = startSidecar(dir, system, name, options, port);
    try {
      String base = "http://127.0.0.1:" + port;
      awaitListening(sidecar, port);
      ChildProcess.sleep(3000); // start-up work (class loading, the Hazelcast client's first exchange) settles
      Measure empty = measure(vertx, dir, sidecar, base, name + "-empty");
      report(name, "empty", empty);
      long started = System.nanoTime();
      fill(vertx, base, bearer);
      System.out.printf(Locale.ROOT, "memory-bench: %s: read %d tenants through the sidecar in %.1f s%n", name, tenants, (System.nanoTime() - started) / 1e9);
      Measure full = measure(vertx, dir, sidecar, base, name + "-full");
      report(name, "full", full);
      if (full.cacheSize() < tenants) {
        throw new IllegalStateException(name + ": the sidecar holds " + full.cacheSize() + " entries, fewer than the " + tenants + " tenants read");
      }
      System.out.printf(Locale.ROOT, "RESULT %s RSS empty %.1f MB, full %.1f MB (target <= 300 MB), %d B/entry; live heap empty %.1f MB, full %.1f MB, %d B/entry%n",
          name, empty.rssKb() / 1024.0, full.rssKb() / 1024.0, (full.rssKb() - empty.rssKb()) * 1024 / tenants,
          empty.liveHeapBytes() / 1048576.0, full.liveHeapBytes() / 1048576.0, (full.liveHeapBytes() - empty.liveHeapBytes()) / tenants);
      return new Measure[] {empty, full};
    } finally {
      sidecar.close();
      children.remove(sidecar);
    }
  }

  private void report(String name, String phase, Measure m) {
    System.out.printf(Locale.ROOT, "memory-bench: %s %s: RSS %.1f MB, live heap %.1f MB, heap committed %.1f MB, cache entries %d%n",
        name, phase, m.rssKb() / 1024.0, m.liveHeapBytes() / 1048576.0, m.heapCommittedKb() / 1024.0, m.cacheSize());
  }

  private JsonObject startSystem(Path dir) {
    List<String> command = java(systemJavaOpts);
    command.addAll(List.of(SidecarMemorySystem.class.getName(), configDir.toAbsolutePath().toString(), Integer.toString(tenants), Integer.toString(viewBytes)));
    ChildProcess system = ChildProcess.start("system", command, Map.of(), dir);
    children.add(system);
    System.out.printf("memory-bench: starting the system (pid %d), %d tenants...%n", system.pid(), tenants);
    return new JsonObject(system.awaitLine(SidecarMemorySystem.READY, Duration.ofMinutes(20)));
  }

  private JsonObject attach(Path readyFile) throws IOException {
    String line = Files.readAllLines(readyFile, StandardCharsets.UTF_8).stream()
        .filter(l -> l.startsWith(SidecarMemorySystem.READY))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException(readyFile + " holds no line starting with " + SidecarMemorySystem.READY.trim()));
    JsonObject system = new JsonObject(line.substring(SidecarMemorySystem.READY.length()));
    if (system.getInteger("tenants") < tenants || system.getInteger("viewBytes") != viewBytes) {
      throw new IllegalStateException("the system of " + readyFile + " holds " + system.getInteger("tenants") + " views of " + system.getInteger("viewBytes") + " bytes");
    }
    System.out.printf("memory-bench: measuring against the running system of %s%n", readyFile);
    return system;
  }

  /** {@code ./tcs run sidecar} in its own JVM (the script execs java: its PID is the JVM's). */
  private ChildProcess startSidecar(Path dir, JsonObject system, String name, String options, int port) {
    Map<String, String> env = new HashMap<>();
    env.put("TCS_CONFIG_DIR", configDir.toAbsolutePath().toString());
    env.put("TCS_SIDECAR_HTTP_PORT", Integer.toString(port));
    env.put("TCS_SIDECAR_SIDECAR_PRIMARY", system.getString("home"));
    system.getJsonObject("regions").forEach(region -> env.put("TCS_SIDECAR_SIDECAR_REGIONS_" + envPart(region.getKey()) + "_URL", region.getValue().toString()));
    env.put("TCS_SIDECAR_HAZELCAST_CLUSTER_NAME", system.getString("hazelcastCluster"));
    env.put("TCS_SIDECAR_HAZELCAST_MEMBERS", String.join(",", system.getJsonArray("hazelcastMembers").stream().map(Object::toString).toList()));
    env.put("TCS_SIDECAR_SIDECAR_CACHE_MAXIMUM_SIZE", Integer.toString(Math.max(tenants, 100_000)));
    if (!options.isBlank()) {
      env.put("TCS_JAVA_OPTS", options);
    }
    List<String> command = List.of(tcsFor.getOrDefault(name, tcsScript).toAbsolutePath().toString(), "run", "sidecar", "--insecure-join-demo");
    ChildProcess sidecar = ChildProcess.start("sidecar-" + name, command, env, dir);
    children.add(sidecar);
    System.out.printf("memory-bench: %s: sidecar pid %d, JVM options %s, %s%n", name, sidecar.pid(), optionsText(options), command.get(0));
    return sidecar;
  }

  /**
   * Reads every tenant once through the sidecar (h2c), {@code concurrency} at a time; each must end
   * as a 200 of the view's size. A read the sidecar could not answer (a 503 when the regions were
   * too slow on a loaded machine: not cached) is tried again, up to {@link #ATTEMPTS} times, at most a second apart.
   */
  private void fill(Vertx vertx, String base, String bearer) {
    HttpClientAgent http = vertx.createHttpClient(
        new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false).setHttp2MultiplexingLimit(concurrency),
        new PoolOptions().setHttp2MaxSize(1));
    AtomicInteger next = new AtomicInteger();
    AtomicLong bad = new AtomicLong();
    AtomicLong retried = new AtomicLong();
    List<String> firstBad = new ArrayList<>();
    List<Future<Void>> workers = new ArrayList<>();
    for (int w = 0; w < concurrency; w++) {
      workers.add(readNext(vertx, http, base, bearer, next, bad, retried, firstBad));
    }
    Future.all(workers).await();
    http.close().await();
    System.out.printf("memory-bench: %d reads tried again after a 503 or a failure%n", retried.get());
    if (bad.get() > 0) {
      throw new IllegalStateException(bad.get() + " reads did not answer 200 with " + viewBytes + " bytes in " + ATTEMPTS + " attempts; first: " + firstBad);
    }
  }

  /** Enough to outlast a region ejection (up to {@code sidecar.routing.eject-max}, 30 s). */
  private static final int ATTEMPTS = 45;

  private Future<Void> readNext(
      Vertx vertx, HttpClientAgent http, String base, String bearer, AtomicInteger next, AtomicLong bad, AtomicLong retried, List<String> firstBad) {
    int i = next.getAndIncrement();
    if (i >= tenants) {
      return Future.succeededFuture();
    }
    return read(vertx, http, base, bearer, SidecarMemorySystem.tenantId(i), 1, retried).map(problem -> {
      if (problem != null) {
        bad.incrementAndGet();
        synchronized (firstBad) {
          if (firstBad.size() < 3) {
            firstBad.add(problem);
          }
        }
      }
      return (Void) null;
    }).compose(v -> readNext(vertx, http, base, bearer, next, bad, retried, firstBad));
  }

  /** Reads one tenant until it answers 200 of the view's size; null then, else what went wrong last. */
  private Future<String> read(Vertx vertx, HttpClientAgent http, String base, String bearer, String tenant, int attempt, AtomicLong retried) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(base + "/v1/tenants/" + tenant + "/context").putHeader("Authorization", bearer);
    Future<String> answered = http.request(options)
        .compose(request -> request.send())
        .compose(response -> response.body().map(body ->
            response.statusCode() == 200 && body.length() == viewBytes ? null : tenant + ": " + response.statusCode() + " " + body.length() + " bytes"))
        .recover(failure -> Future.succeededFuture(tenant + ": " + failure));
    return answered.compose(problem -> {
      if (problem == null || attempt >= ATTEMPTS) {
        return Future.succeededFuture(problem);
      }
      retried.incrementAndGet();
      return vertx.timer(Math.min(1000L, 100L * attempt)).compose(t -> read(vertx, http, base, bearer, tenant, attempt + 1, retried));
    });
  }

  private Measure measure(Vertx vertx, Path dir, ChildProcess sidecar, String base, String label) throws IOException {
    long pid = sidecar.pid();
    String histogram = jcmd(pid, "GC.class_histogram"); // a full GC first: live objects only
    Files.writeString(dir.resolve("histogram-" + label + ".txt"), histogram, StandardCharsets.UTF_8);
    long live = -1;
    List<String> lines = histogram.lines().toList();
    for (String line : lines) {
      Matcher total = HISTOGRAM_TOTAL.matcher(line);
      if (total.matches()) {
        live = Long.parseLong(total.group(2));
      }
    }
    System.out.printf("memory-bench: %s: heap histogram (top %d of live objects):%n", label, histogramLines);
    lines.stream().filter(line -> line.matches("^\\s*(num|-+|\\d+:).*")).limit(histogramLines + 2).forEach(line -> System.out.println("    " + line));
    String heapInfo = jcmd(pid, "GC.heap_info");
    Files.writeString(dir.resolve("heap-info-" + label + ".txt"), heapInfo, StandardCharsets.UTF_8);
    long committed = 0;
    for (String line : heapInfo.lines().toList()) {
      Matcher used = USED.matcher(line);
      if (used.find() && !line.contains("Metaspace") && !line.contains("class space")) {
        committed += Long.parseLong(used.group(1));
      }
    }
    String nmt = jcmd(pid, "VM.native_memory", "summary");
    if (!nmt.contains("not enabled")) {
      Files.writeString(dir.resolve("nmt-" + label + ".txt"), nmt, StandardCharsets.UTF_8);
      nmt.lines().filter(line -> line.startsWith("Total:") || line.matches("^-\\s+(Java Heap|Class|Thread|Code|GC|Internal|Other|Metaspace|Arena Chunk|Shared class space)\\b.*"))
          .forEach(line -> System.out.println("    nmt " + line.trim()));
    }
    ChildProcess.sleep(1000);
    long rss = rssKb(pid);
    return new Measure(rss, live, committed, cacheSize(vertx, base));
  }

  /** {@code tcs_sidecar_cache_size} from the sidecar's Prometheus endpoint. */
  private static long cacheSize(Vertx vertx, String base) {
    HttpClientAgent http = vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(1));
    try {
      String text = http.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(base + "/metrics"))
          .compose(request -> request.send())
          .compose(response -> response.body())
          .await()
          .toString(StandardCharsets.UTF_8);
      double size = ReadBench.metricSum(text, "tcs_sidecar_cache_size");
      return Double.isNaN(size) ? -1 : (long) size;
    } finally {
      http.close().await();
    }
  }

  private static long rssKb(long pid) {
    String rss = ReadBench.residentMemory(pid);
    Matcher kb = Pattern.compile("(\\d+)\\s*kB").matcher(rss);
    if (!kb.find()) {
      throw new IllegalStateException("no VmRSS for pid " + pid + ": " + rss);
    }
    return Long.parseLong(kb.group(1));
  }

  private static String jcmd(long pid, String... command) {
    List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid)));
    line.addAll(List.of(command));
    try {
      Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", line) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + line, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void awaitListening(ChildProcess process, int port) {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        if (!process.isAlive()) {
          throw new IllegalStateException(process.name() + " exited before listening; see " + process.log() + ":\n" + process.tail());
        }
        ChildProcess.sleep(200);
      }
    }
    throw new IllegalStateException(process.name() + " not listening on " + port + " within 3 min; see " + process.log() + ":\n" + process.tail());
  }

  private static List<String> java(String options) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(options.trim().split("\\s+")));
    command.addAll(List.of(
        "--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens", "java.management/sun.management=ALL-UNNAMED",
        "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
        "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED"));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    return command;
  }

  private static int freePort() {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port on 127.0.0.1", e);
    }
  }

  private static String envPart(String key) {
    return key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_");
  }

  private synchronized void stopAll() {
    for (int i = children.size() - 1; i >= 0; i--) {
      children.get(i).close();
    }
    children.clear();
  }
}
