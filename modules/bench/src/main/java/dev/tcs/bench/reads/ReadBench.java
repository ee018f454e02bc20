package dev.tcs.bench.reads;

import dev.tcs.core.dynamo.DynamoClients;
import dev.tcs.core.dynamo.DynamoSettings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Read throughput and latency of a cache hit, at the sidecar and at a region, as ratios to nginx
 * serving the same body as a static file over h2c, with a bare Vert.x 5 server as a second
 * baseline: all measured in the same run, each server in its own process.
 *
 * <p>Starts (1) {@link ReadBenchSystem}: the demo system (embedded Kafka, DynamoDB Local,
 * Hazelcast, catalogue, projector, regions) seeded through the catalogue with tenants whose
 * {@code jira} view is 600 bytes, in one JVM or ({@code --system-layout processes}) as
 * {@code tcs up} runs it, each region in a JVM of its own; (2) the sidecar alone,
 * {@code tcs run sidecar}, pointed at those regions and the home region's Hazelcast; (3)
 * {@link BareVertxServer} with the same body in a map; (4) nginx with the same body as a static file, if {@code nginx} is installed. The sidecar
 * and the region are each read twice: with the 500-byte bearer token, which h2load (like most
 * HTTP/2 clients) sends as a never-indexed literal on every request, and with a session opened for
 * it ({@code sidecar-session}, {@code region-session}). Then warms
 * every target and, for each of {@code --repeats} rounds, drives {@code h2load} against each in
 * turn: throughput with {@code -c32 -m16}, latency with {@code -c4 -m1} (percentiles from its log
 * file). Prints every figure, the medians with their spread, and the ratios to nginx. Everything
 * listens on 127.0.0.1; every h2load run is bounded by {@code -D}. The load generator shares the
 * machine with the server it drives, as it does with nginx: only the ratios travel.
 *
 * <pre>
 * ./mvnw -q -B -ntp package -Dmaven.test.skip=true -pl modules/bench -am
 * modules/bench/read-bench.sh --repeats 3
 * </pre>
 */
@Command(
    name = "read-bench",
    mixinStandardHelpOptions = true,
    description = "Sidecar and region cache-hit reads vs nginx and bare Vert.x, each in its own process, h2load-driven.")
public final class ReadBench implements Callable<Integer> {
  private static final List<String> OPENS =
      List.of(
          "--add-opens", "java.base/java.lang=ALL-UNNAMED",
          "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens", "java.management/sun.management=ALL-UNNAMED",
          "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
          "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED");

  @Option(names = "--repeats", description = "Measured rounds (default: ${DEFAULT-VALUE}).")
  int repeats = 3;

  @Option(names = "--duration", description = "Seconds of each throughput run (default: ${DEFAULT-VALUE}).")
  int durationSeconds = 10;

  @Option(names = "--latency-duration", description = "Seconds of each latency run (default: ${DEFAULT-VALUE}).")
  int latencySeconds = 10;

  @Option(
      names = "--slices",
      description = "Each round's throughput and latency runs of a target are taken in this many slices, the targets taking turns "
          + "slice by slice, so that the machine's noise falls on all of them alike; 1: one run per target, as before 2026-12-02 "
          + "(default: ${DEFAULT-VALUE}).")
  int slices = 5;

  @Option(names = "--warmup", description = "Seconds of warm-up load per target before the first round (default: ${DEFAULT-VALUE}).")
  int warmupSeconds = 15;

  @Option(names = "--tenants", description = "Tenants seeded through the catalogue (default: ${DEFAULT-VALUE}).")
  int tenants = 1000;

  @Option(names = "--paths", description = "Distinct tenants the hit runs read, round-robin (default: ${DEFAULT-VALUE}).")
  int paths = 16;

  @Option(names = "--view-bytes", description = "Size of the view body (default: ${DEFAULT-VALUE}).")
  int viewBytes = 600;

  @Option(names = "--clients", description = "Throughput: h2load connections (default: ${DEFAULT-VALUE}).")
  int clients = 32;

  @Option(names = "--streams", description = "Throughput: h2load streams per connection (default: ${DEFAULT-VALUE}).")
  int streams = 16;

  @Option(names = "--latency-clients", description = "Latency: h2load connections, one stream each (default: ${DEFAULT-VALUE}).")
  int latencyClients = 4;

  @Option(
      names = "--targets",
      split = ",",
      description = "Any of sidecar,sidecar-session,region,region-session,vertx,nginx (default: all). The -session targets read the same "
          + "process with a session (POST /v1/sessions) in place of the bearer token.")
  List<String> targets = List.of("sidecar", "sidecar-session", "region", "region-session", "vertx", "nginx");

  @Option(names = "--config-dir", description = "Config directory (default: ${DEFAULT-VALUE}).")
  Path configDir = Path.of("config");

  @Option(names = "--work-dir", description = "Logs, nginx root, h2load files (default: a new temp dir).")
  Path workDir;

  @Option(names = "--java-opts", description = "JVM options of the sidecar and bare Vert.x processes (default: as ./tcs run sidecar: ${DEFAULT-VALUE}).")
  String javaOpts = "-XX:+UseSerialGC -Xms32m -Xmx640m -Xmn12m -XX:MinHeapFreeRatio=5 -XX:MaxHeapFreeRatio=15 -XX:TrimNativeHeapInterval=10000";

  /** How the system under the sidecar runs. */
  enum Layout {
    /**
     * Everything in one JVM ({@code DemoSystem}). The default: on a 2-core machine it leaves the
     * most CPU to DynamoDB Local and to what is measured (BENCHMARKS.md, "Each region in its own JVM").
     */
    one_jvm,
    /** {@code tcs up}: the infrastructure, the catalogue, the projector and each region in a JVM of its own, as deployed. */
    processes
  }

  @Option(
      names = "--system-layout",
      description = "one_jvm (the system in one JVM, with --system-java-opts) or processes (as tcs up runs it: each region, the "
          + "infrastructure, the catalogue and the projector in a JVM of its own; five more JVMs on the machine) (default: ${DEFAULT-VALUE}).")
  Layout systemLayout = Layout.one_jvm;

  @Option(
      names = "--system-java-opts",
      description = "JVM options of the system process (default: ${DEFAULT-VALUE}). With --system-layout processes it only seeds; "
          + "tcs up gives each of its processes its own options.")
  String systemJavaOpts = "-Xms256m -Xmx2g -XX:+UseParallelGC";

  @Option(names = "--sidecar-extra-opts", description = "More JVM options for the sidecar only (a JFR recording, say).")
  String sidecarExtraOpts = "";

  @Option(
      names = "--jfr",
      description = "Profile: during round 1's throughput runs (every target's, taking turns), record a JFR profile of the sidecar and of "
          + "the region (jcmd JFR.start settings=profile) and take a thread dump half-way, into the work dir. Round 1's figures then "
          + "include the recordings' cost.")
  boolean jfr;

  @Option(
      names = "--baseline-token",
      description = "Send the bearer token to vertx and nginx too (they ignore it), so that every target decodes the same request headers.")
  boolean baselineToken;

  @Option(
      names = "--miss-samples",
      description = "After the rounds: this many sidecar misses (tenants never read, one at a time), as many region misses "
          + "and as many direct GetItem calls on the region's table in the same DynamoDB Local; 0 skips. More tenants are "
          + "seeded when --tenants is too few for them (default: ${DEFAULT-VALUE}).")
  int missSamples = 1000;

  @Option(
      names = "--miss-warmup",
      description = "Misses of each kind (sidecar, region, direct GetItem) made and discarded before the measured ones (default: ${DEFAULT-VALUE}).")
  int missWarmup = 200;

  @Option(
      names = "--miss-warmup-absent",
      description = "Before those: this many reads of each kind for tenants that do not exist (a 404 through the same miss path, "
          + "no seeding needed; " + MISS_WARMUP_CONCURRENCY + " at a time), so that each client's and each miss path's code is compiled "
          + "alike: the bench's own DynamoDB client starts cold, the regions' has served the seeding (default: ${DEFAULT-VALUE}).")
  int missWarmupAbsent = 20_000;

  /** Reads in flight during the absent-tenant warm-up. */
  static final int MISS_WARMUP_CONCURRENCY = 4;

  @Option(
      names = "--miss-one-region",
      description = "Diagnostic: also measure misses through a second sidecar that knows only the primary region (no hedge: one "
          + "GetItem per miss), to show what the hedge's second GetItem on the same DynamoDB Local costs.")
  boolean missOneRegion;

  /** Measured misses are taken in blocks of this many per kind, the kinds taking turns. */
  static final int MISS_BLOCK = 100;

  @Option(names = "--hold", description = "Seconds to keep everything running after the rounds (for jcmd, curl). (default: ${DEFAULT-VALUE})")
  int holdSeconds = 0;

  private final List<ChildProcess> children = new ArrayList<>();

  /** The system's processes (tcs up's names, e.g. region-us-east, to pids) when it has its own (--system-layout processes). */
  private final Map<String, Long> systemProcesses = new LinkedHashMap<>();

  /** The home region's pid when it runs in a JVM of its own. */
  private Long homeRegionPid;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ReadBench()).execute(args));
  }

  /** One thing measured: where it answers and with what token. */
  record Target(String name, List<String> urls, String authorization) {}

  /**
   * One round's figures for one target; {@code gc}: the JVM's collector pauses during the latency
   * run (null for a server that is not one of ours).
   */
  record Figures(H2Load.Throughput throughput, H2Load.Latency latency, GcPauses gc) {}

  /** Collector pauses over a span: how many, and their total. */
  record GcPauses(double count, double seconds) {
    GcPauses minus(GcPauses before) {
      return new GcPauses(count - before.count, seconds - before.seconds);
    }

    GcPauses plus(GcPauses more) {
      return new GcPauses(count + more.count, seconds + more.seconds);
    }
  }

  @Override
  public Integer call() throws Exception {
    Path dir = workDir != null ? Files.createDirectories(workDir.toAbsolutePath()) : Files.createTempDirectory("tcs-read-bench-");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "read-bench-stop"));
    Vertx vertx = Vertx.vertx();
    try {
      System.out.printf("read-bench: work dir %s, load average %s%n", dir, loadAverage());
      int needed = tenantsNeeded();
      if (needed > tenants) {
        System.out.printf("read-bench: seeding %d tenants, not %d: %d hit paths, then %d misses (warm-up and samples) each through the sidecar, the region%s%n",
            needed, tenants, paths, missWarmup + missSamples, missOneRegion ? " and the one-region sidecar" : "");
        tenants = needed;
      }
      JsonObject system = startSystem(dir);
      JsonObject processes = system.getJsonObject("processes", new JsonObject());
      processes.forEach(process -> systemProcesses.put(process.getKey(), ((Number) process.getValue()).longValue()));
      homeRegionPid = systemProcesses.get("region-" + system.getString("home"));
      String body = system.getString("body");
      List<String> ids = system.getJsonArray("tenants").stream().map(Object::toString).limit(paths).toList();
      List<String> pathList = ids.stream().map(id -> "/v1/tenants/" + id + "/context").toList();
      Path bodyFile = dir.resolve("body.json");
      Files.writeString(bodyFile, body, StandardCharsets.UTF_8);
      String bearer = "Bearer " + system.getString("readerToken");
      String region = system.getJsonObject("regions").getString(system.getString("home"));
      System.out.printf("read-bench: system up, %d tenants, view body %d bytes, home region %s%n", system.getJsonArray("tenants").size(), body.getBytes(StandardCharsets.UTF_8).length, region);

      Map<String, Target> all = new LinkedHashMap<>();
      String sidecar = targets.contains("sidecar") || targets.contains("sidecar-session") ? startSidecar(dir, system) : null;
      if (targets.contains("sidecar")) {
        all.put("sidecar", new Target("sidecar", urls(sidecar, pathList), bearer));
      }
      if (targets.contains("sidecar-session")) {
        all.put("sidecar-session", new Target("sidecar-session", urls(sidecar, pathList), openSession(vertx, sidecar, bearer)));
      }
      if (targets.contains("region")) {
        all.put("region", new Target("region", urls(region, pathList), bearer));
      }
      if (targets.contains("region-session")) {
        all.put("region-session", new Target("region-session", urls(region, pathList), openSession(vertx, region, bearer)));
      }
      if (targets.contains("vertx")) {
        String vertxUrl = startBareVertx(dir, bodyFile, pathList);
        all.put("vertx", new Target("vertx", urls(vertxUrl, pathList), baselineToken ? bearer : null));
      }
      if (targets.contains("nginx")) {
        String nginx = startNginx(dir, body, pathList);
        if (nginx != null) {
          all.put("nginx", new Target("nginx", urls(nginx, pathList), baselineToken ? bearer : null));
        }
      }
      children.forEach(child -> System.out.printf("read-bench: process %-8s pid %d log %s%n", child.name(), child.pid(), child.log()));
      if (homeRegionPid != null) {
        System.out.printf("read-bench: process %-8s pid %d log %s%n", "region", homeRegionPid, dir.resolve("system-state/up/logs/region-" + ReadBenchSystem.HOME + ".log"));
      }

      try (BodyCheck check = new BodyCheck(vertx, Duration.ofSeconds(5))) {
        for (Target target : all.values()) {
          System.out.printf("read-bench: checking %s...%n", target.name());
          check.awaitBodies(target.name(), target.urls(), target.authorization(), body.getBytes(StandardCharsets.UTF_8).length, Duration.ofSeconds(60));
          System.out.printf("read-bench: %s answers 200 with the %d-byte body at %d paths%n", target.name(), body.length(), target.urls().size());
        }
      }

      H2Load h2load = new H2Load(dir);
      for (Target target : all.values()) {
        System.out.printf("read-bench: warming %s for %d s%n", target.name(), warmupSeconds);
        h2load.throughput(target.urls(), target.authorization(), clients, streams, Duration.ofSeconds(warmupSeconds));
        h2load.latency(target.urls(), target.authorization(), latencyClients, Duration.ofSeconds(Math.max(2, warmupSeconds / 3)));
      }

      Map<String, List<Figures>> results = new LinkedHashMap<>();
      all.keySet().forEach(name -> results.put(name, new ArrayList<>()));
      for (int round = 1; round <= repeats; round++) {
        String before = loadAverage();
        if (jfr && round == 1) {
          Duration phase = Duration.ofSeconds((long) durationSeconds * all.size());
          all.keySet().stream().map(name -> name.replace("-session", "")).distinct().forEach(server -> profile(dir, server, phase).run());
        }
        measureRound(h2load, vertx, all).forEach((name, figures) -> results.get(name).add(figures));
        System.out.printf("%nround %d of %d  (load average before: %s, after: %s)%n", round, repeats, before, loadAverage());
        printRound(results, round - 1);
      }
      printSummary(results);
      if (missSamples > 0 && all.containsKey("sidecar")) {
        String oneRegion = missOneRegion ? startOneRegionSidecar(dir, system) : null;
        measureMisses(h2load, system, all.get("sidecar"), oneRegion, bearer);
      }
      children.forEach(child -> System.out.printf("RSS    %-8s %s%n", child.name(), residentMemory(child.pid())));
      if (homeRegionPid != null) {
        System.out.printf("RSS    %-8s %s%n", "region", residentMemory(homeRegionPid));
      }
      if (holdSeconds > 0) {
        System.out.printf("read-bench: holding for %d s%n", holdSeconds);
        Thread.sleep(holdSeconds * 1000L);
      }
      checkAlive();
      return 0;
    } finally {
      vertx.close();
      stopAll();
    }
  }

  /**
   * One round: each target's throughput, then each one's latency, as {@code --slices} slices of
   * {@code --duration} / {@code --latency-duration} seconds, the targets taking turns slice by
   * slice. A burst of noise on the machine (a neighbour, a collection in a process that is not
   * measured) then falls on every target alike instead of on whichever one ran at that moment. A
   * target's latency is one distribution of all its slices' requests, its throughput the mean of
   * its slices' rates, its collector pauses those of its slices.
   */
  private Map<String, Figures> measureRound(H2Load h2load, Vertx vertx, Map<String, Target> all) {
    Duration throughputSlice = Duration.ofSeconds(Math.max(1, durationSeconds / slices));
    Duration latencySlice = Duration.ofSeconds(Math.max(1, latencySeconds / slices));
    Map<String, RoundOfTarget> rounds = new LinkedHashMap<>();
    all.keySet().forEach(name -> rounds.put(name, new RoundOfTarget()));
    for (int slice = 0; slice < slices; slice++) {
      for (Target target : all.values()) {
        rounds.get(target.name()).throughputs.add(requireOk(target, h2load.throughput(target.urls(), target.authorization(), clients, streams, throughputSlice)));
      }
    }
    for (int slice = 0; slice < slices; slice++) {
      for (Target target : all.values()) {
        RoundOfTarget round = rounds.get(target.name());
        GcPauses gcBefore = gcPauses(vertx, target);
        H2Load.LatencySlice measured = h2load.latencyInto(target.urls(), target.authorization(), latencyClients, latencySlice, round.times);
        round.addLatencySlice(measured, gcBefore, gcPauses(vertx, target));
      }
    }
    Map<String, Figures> figures = new LinkedHashMap<>();
    all.values().forEach(target -> figures.put(target.name(), rounds.get(target.name()).figures(target)));
    return figures;
  }

  /** What one round's slices of one target add up to. */
  private static final class RoundOfTarget {
    final List<H2Load.Throughput> throughputs = new ArrayList<>();
    final Histogram times = new Histogram(3);
    final List<Double> latencyRates = new ArrayList<>();
    long non200;
    /** The collector's pauses over the latency slices; null once one slice's could not be read. */
    GcPauses gc = new GcPauses(0, 0);

    void addLatencySlice(H2Load.LatencySlice measured, GcPauses gcBefore, GcPauses gcAfter) {
      latencyRates.add(measured.requestsPerSecond());
      non200 += measured.non200();
      gc = gc == null || gcBefore == null || gcAfter == null ? null : gc.plus(gcAfter.minus(gcBefore));
    }

    /** Throughput: the mean of the slices' rates; latency: one distribution of every slice's requests. */
    Figures figures(Target target) {
      H2Load.Throughput throughput = new H2Load.Throughput(
          throughputs.stream().mapToDouble(H2Load.Throughput::requestsPerSecond).average().orElseThrow(),
          throughputs.stream().mapToLong(H2Load.Throughput::succeeded).sum(),
          throughputs.stream().mapToLong(H2Load.Throughput::failed).sum(),
          throughputs.stream().mapToLong(H2Load.Throughput::non2xx).sum());
      double latencyRate = latencyRates.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      return new Figures(throughput, requireOk(target, H2Load.Latency.of(times, latencyRate, non200)), gc);
    }
  }

  /** Seconds of latency measured per target and round: every slice's. */
  private int measuredLatencySeconds() {
    return slices * Math.max(1, latencySeconds / slices);
  }

  /** Tenants to seed: the hit paths, tenants never read for the miss phase (see {@link #measureMisses}), and the last (read by the system when it seeds). */
  int tenantsNeeded() {
    int kinds = missOneRegion ? 3 : 2;
    int misses = missSamples > 0 && targets.contains("sidecar") ? kinds * (missWarmup + missSamples) : 0;
    return paths + misses + 1;
  }

  /**
   * The collector pauses so far of the JVM behind a sidecar or region target, from its own
   * {@code /metrics} ({@code jvm_gc_pause_seconds}, every collector); null for other targets, or
   * when it cannot be read.
   */
  private static GcPauses gcPauses(Vertx vertx, Target target) {
    if (!(target.name().startsWith("sidecar") || target.name().startsWith("region"))) {
      return null;
    }
    String url = target.urls().get(0);
    String metrics = url.substring(0, url.indexOf("/v1/")) + "/metrics";
    try (BodyCheck check = new BodyCheck(vertx, Duration.ofSeconds(10))) {
      BodyCheck.Answer answer = check.get(metrics, null);
      if (answer.status() != 200) {
        return null;
      }
      String text = answer.body().toString(StandardCharsets.UTF_8);
      return new GcPauses(metricSum(text, "jvm_gc_pause_seconds_count"), metricSum(text, "jvm_gc_pause_seconds_sum"));
    }
  }

  /** The sum of every sample of metric {@code name} (any labels) in Prometheus text; NaN when there is none. */
  static double metricSum(String prometheusText, String name) {
    return prometheusText.lines()
        .filter(line -> line.startsWith(name) && line.length() > name.length() && (line.charAt(name.length()) == '{' || line.charAt(name.length()) == ' '))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .reduce(Double::sum)
        .orElse(Double.NaN);
  }

  /** The {@code Authorization} value of a session opened at {@code base} for {@code bearer}. */
  private static String openSession(Vertx vertx, String base, String bearer) {
    try (BodyCheck check = new BodyCheck(vertx, Duration.ofSeconds(5))) {
      return check.openSession(base, bearer, Duration.ofSeconds(60));
    }
  }

  /**
   * Sidecar miss latency vs a direct GetItem, one request at a time, with a region miss between
   * them as a diagnostic. Sidecar misses read tenants no one has read yet (cold in the sidecar and
   * in every region's L1, so each is a hedged fetch over two regions that each read DynamoDB);
   * region misses read other unread tenants from the home region directly (one region, one
   * GetItem); direct reads are eventually consistent GetItem calls (as a region's loads) on the
   * home region's view table, from this JVM with the project's DynamoDB client, for the tenants the
   * sidecar has just read.
   *
   * <p>The three are treated alike: each first makes {@code --miss-warmup-absent} reads of
   * tenants that do not exist (404s through the same path) and {@code --miss-warmup} real misses
   * that are not measured (the direct client, the sidecar's and the region's miss code, their
   * connections, all compiled and connected alike), then the measured reads are taken in blocks of {@value
   * #MISS_BLOCK}, the three kinds taking turns, so that a change in the machine's load falls on
   * all three.
   */
  private void measureMisses(H2Load h2load, JsonObject system, Target sidecar, String oneRegionBase, String bearer) {
    List<String> unread = system.getJsonArray("tenants").stream().map(Object::toString).skip(paths).limit(system.getJsonArray("tenants").size() - paths - 1L).toList();
    int perKind = missWarmup + missSamples;
    int kinds = oneRegionBase == null ? 2 : 3;
    if (unread.size() < kinds * perKind) {
      throw new IllegalStateException("the miss phase needs " + kinds * perKind + " tenants never read, but the system has " + unread.size());
    }
    List<String> viaSidecar = unread.subList(0, perKind);
    List<String> viaRegion = unread.subList(perKind, 2 * perKind);
    List<String> viaOneRegion = oneRegionBase == null ? List.of() : unread.subList(2 * perKind, 3 * perKind);
    String sidecarBase = sidecar.urls().get(0).substring(0, sidecar.urls().get(0).indexOf("/v1/"));
    String regionBase = system.getJsonObject("regions").getString(system.getString("home"));
    String before = loadAverage();
    try (var dynamo = DynamoClients.create(DynamoSettings.local(java.net.URI.create(system.getString("dynamo"))))) {
      String table = "tcs-views-" + system.getString("home");
      Histogram direct = new Histogram(3);
      Histogram region = new Histogram(3);
      Histogram miss = new Histogram(3);
      Histogram oneRegion = new Histogram(3);
      Histogram discarded = new Histogram(3);
      if (oneRegionBase != null) {
        h2load.warm(contextUrls(oneRegionBase, absent("absent-o-", missWarmupAbsent)), bearer, MISS_WARMUP_CONCURRENCY);
        h2load.recordRequests(contextUrls(oneRegionBase, viaOneRegion.subList(0, missWarmup)), bearer, discarded);
      }
      h2load.warm(contextUrls(sidecarBase, absent("absent-s-", missWarmupAbsent)), bearer, MISS_WARMUP_CONCURRENCY);
      h2load.warm(contextUrls(regionBase, absent("absent-r-", missWarmupAbsent)), bearer, MISS_WARMUP_CONCURRENCY);
      warmGetItems(dynamo, table, absent("absent-d-", missWarmupAbsent));
      h2load.recordRequests(contextUrls(sidecarBase, viaSidecar.subList(0, missWarmup)), bearer, discarded);
      h2load.recordRequests(contextUrls(regionBase, viaRegion.subList(0, missWarmup)), bearer, discarded);
      long sidecarFailed = 0;
      long regionFailed = 0;
      long oneRegionFailed = 0;
      getItems(dynamo, table, viaSidecar.subList(0, missWarmup), discarded, true);
      CpuUse cpu = CpuUse.start(measuredProcesses());
      for (int from = missWarmup; from < perKind; from += MISS_BLOCK) {
        int to = Math.min(perKind, from + MISS_BLOCK);
        sidecarFailed += h2load.recordRequests(contextUrls(sidecarBase, viaSidecar.subList(from, to)), bearer, miss);
        regionFailed += h2load.recordRequests(contextUrls(regionBase, viaRegion.subList(from, to)), bearer, region);
        getItems(dynamo, table, viaSidecar.subList(from, to), direct, true);
        if (oneRegionBase != null) {
          oneRegionFailed += h2load.recordRequests(contextUrls(oneRegionBase, viaOneRegion.subList(from, to)), bearer, oneRegion);
        }
      }
      System.out.printf(Locale.ROOT, "%n=== misses, one at a time, %d samples of each kind after %d of each discarded (and %d of absent tenants), in blocks of %d taking turns; load average before %s, after %s ===%n",
          missSamples, missWarmup, missWarmupAbsent, MISS_BLOCK, before, loadAverage());
      System.out.println("CPU    during the measured misses, " + cpu.report());
      printMisses("direct GetItem ", direct, 0);
      printMisses("region miss    ", region, regionFailed);
      printMisses("sidecar miss   ", miss, sidecarFailed);
      if (oneRegionBase != null) {
        printMisses("1-region miss  ", oneRegion, oneRegionFailed);
        System.out.printf(Locale.ROOT, "RATIO  1-region sidecar miss p99 - GetItem p99 = %+.2f ms (diagnostic: no hedge, one GetItem per miss)%n",
            (oneRegion.getValueAtPercentile(99) - direct.getValueAtPercentile(99)) / 1000.0);
      }
      System.out.printf(Locale.ROOT, "RATIO  region miss p99 - GetItem p99 = %+.2f ms (diagnostic: one region, one GetItem)%n",
          (region.getValueAtPercentile(99) - direct.getValueAtPercentile(99)) / 1000.0);
      System.out.printf(Locale.ROOT, "RATIO  sidecar miss p99 - GetItem p99 = %+.2f ms (target: at most +2 ms)%n",
          (miss.getValueAtPercentile(99) - direct.getValueAtPercentile(99)) / 1000.0);
    }
  }

  /** This benchmark's JVM (the direct GetItem client), its Java children, and the system's own processes when it has them. */
  private Map<String, Long> measuredProcesses() {
    Map<String, Long> pids = new LinkedHashMap<>();
    pids.put("bench", ProcessHandle.current().pid());
    children.stream().filter(child -> !child.name().equals("nginx")).forEach(child -> pids.put(child.name(), child.pid()));
    pids.putAll(systemProcesses);
    return pids;
  }

  /** Tenant ids that are valid and never written: {@code prefix} and a number. */
  static List<String> absent(String prefix, int count) {
    return java.util.stream.IntStream.range(0, count).mapToObj(i -> String.format(Locale.ROOT, "%s%06d", prefix, i)).toList();
  }

  /** A GetItem per tenant, {@value #MISS_WARMUP_CONCURRENCY} at a time, nothing measured. */
  private static void warmGetItems(software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient dynamo, String table, List<String> tenantIds) {
    java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(MISS_WARMUP_CONCURRENCY);
    List<java.util.concurrent.CompletableFuture<?>> calls = new ArrayList<>();
    for (String tenant : tenantIds) {
      inFlight.acquireUninterruptibly();
      calls.add(dynamo.getItem(b -> b.tableName(table).key(Map.of(
              "pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("tenant#" + tenant),
              "consumer", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(ReadBenchSystem.CONSUMER))))
          .orTimeout(10, java.util.concurrent.TimeUnit.SECONDS)
          .whenComplete((item, failure) -> inFlight.release()));
    }
    calls.forEach(java.util.concurrent.CompletableFuture::join);
  }

  /** One eventually consistent GetItem per tenant, one at a time, each time (µs) into {@code into}; each must find a view if {@code exist}. */
  private static void getItems(
      software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient dynamo, String table, List<String> tenantIds, Histogram into, boolean exist) {
    for (String tenant : tenantIds) {
      long start = System.nanoTime();
      var item = dynamo.getItem(b -> b.tableName(table).key(Map.of(
          "pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("tenant#" + tenant),
          "consumer", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(ReadBenchSystem.CONSUMER))))
          .orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
      into.recordValue((System.nanoTime() - start) / 1000);
      if (exist && !item.hasItem()) {
        throw new IllegalStateException("GetItem found no view for " + tenant + " in " + table);
      }
    }
  }

  private static List<String> contextUrls(String base, List<String> tenantIds) {
    return tenantIds.stream().map(id -> base + "/v1/tenants/" + id + "/context").toList();
  }

  /** One kind's figures; answers other than 200 (a 503 when no region answered in time) are counted in the times and named. */
  private static void printMisses(String label, Histogram times, long non200) {
    System.out.printf(Locale.ROOT, "RESULT %s p50 µs %d  p90 µs %d  p99 µs %d  max µs %d  (n %d, not 200: %d)%n", label,
        times.getValueAtPercentile(50), times.getValueAtPercentile(90), times.getValueAtPercentile(99), times.getMaxValue(), times.getTotalCount(), non200);
  }

  /**
   * Starts a JFR recording of the process behind {@code server} (sidecar or region) for
   * {@code span} (a round's throughput runs of every target, taking turns), and a thread dump
   * half-way.
   */
  private Runnable profile(Path dir, String server, Duration span) {
    Long pid = server.equals("region") && homeRegionPid != null ? homeRegionPid : children.stream()
        .filter(c -> c.name().equals(server.equals("region") ? "system" : server))
        .findFirst()
        .map(ChildProcess::pid)
        .orElse(null);
    if (pid == null || !(server.equals("sidecar") || server.equals("region"))) {
      return () -> {};
    }
    return () -> {
      Path recording = dir.resolve(server + ".jfr");
      jcmd(pid, dir.resolve(server + "-jfr-start.txt"), "JFR.start", "name=read-bench-" + server, "settings=profile",
          "duration=" + span.toSeconds() + "s", "filename=" + recording);
      Thread dump = new Thread(() -> {
        ChildProcess.sleep(span.toMillis() / 2);
        jcmd(pid, dir.resolve(server + "-threads.txt"), "Thread.print");
      }, "read-bench-thread-dump");
      dump.setDaemon(true);
      dump.start();
      System.out.printf("read-bench: recording %s (pid %d) into %s%n", server, pid, recording);
    };
  }

  private static void jcmd(long pid, Path out, String... args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid)));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (IOException e) {
      System.out.println("read-bench: jcmd failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private JsonObject startSystem(Path dir) {
    List<String> command = java(systemJavaOpts, "");
    command.addAll(List.of(ReadBenchSystem.class.getName(), configDir.toAbsolutePath().toString(), Integer.toString(tenants), Integer.toString(viewBytes)));
    if (systemLayout == Layout.processes) {
      command.addAll(List.of(Integer.toString(ReadBenchSystem.DEFAULT_WRITE_CONCURRENCY), dir.resolve("system-state").toString()));
    }
    ChildProcess system = ChildProcess.start("system", command, Map.of(), dir);
    children.add(system);
    System.out.printf("read-bench: starting the system (pid %d), seeding %d tenants...%n", system.pid(), tenants);
    return new JsonObject(system.awaitLine(ReadBenchSystem.READY, Duration.ofMinutes(10)));
  }

  /** {@code tcs run sidecar} in its own JVM, configured through the environment as a deployment would. */
  private String startSidecar(Path dir, JsonObject system) {
    int port = freePort();
    Map<String, String> env = sidecarEnvironment(configDir, system, port);
    List<String> command = java(javaOpts, sidecarExtraOpts);
    // The system runs with the demo's keys (tokens, invalidation key): the sidecar joins it on loopback.
    command.addAll(List.of("dev.tcs.launcher.TcsCommand", "run", "sidecar", "--insecure-join-demo"));
    ChildProcess sidecar = ChildProcess.start("sidecar", command, env, dir);
    children.add(sidecar);
    String url = "http://127.0.0.1:" + port;
    awaitListening(sidecar, port, Duration.ofSeconds(120));
    return url;
  }

  /**
   * A second sidecar for {@code --miss-one-region}: a copy of the config directory whose
   * {@code sidecar.yaml} lists only the primary region, so every miss is one read of one region.
   */
  private String startOneRegionSidecar(Path dir, JsonObject system) throws IOException {
    Path config = dir.resolve("config-one-region");
    try (var files = Files.walk(configDir.toAbsolutePath())) {
      for (Path from : files.toList()) {
        Path to = config.resolve(configDir.toAbsolutePath().relativize(from).toString());
        if (Files.isDirectory(from)) {
          Files.createDirectories(to);
        } else {
          Files.copy(from, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    Path yaml = config.resolve("sidecar.yaml");
    Files.writeString(yaml, onlyRegion(Files.readString(yaml), system.getString("home")));
    int port = freePort();
    Map<String, String> env = sidecarEnvironment(config, system, port);
    env.keySet().removeIf(key -> key.startsWith("TCS_SIDECAR_SIDECAR_REGIONS_") && !key.equals("TCS_SIDECAR_SIDECAR_REGIONS_" + envPart(system.getString("home")) + "_URL"));
    List<String> command = java(javaOpts, "");
    command.addAll(List.of("dev.tcs.launcher.TcsCommand", "run", "sidecar", "--insecure-join-demo"));
    ChildProcess sidecar = ChildProcess.start("sidecar1", command, env, dir);
    children.add(sidecar);
    awaitListening(sidecar, port, Duration.ofSeconds(120));
    String url = "http://127.0.0.1:" + port;
    System.out.printf("read-bench: one-region sidecar (pid %d) at %s, region %s only%n", sidecar.pid(), url, system.getString("home"));
    return url;
  }

  /** {@code sidecar.yaml} with the entries of {@code sidecar.regions} other than {@code region} removed (two-space indented YAML, as shipped). */
  static String onlyRegion(String yaml, String region) {
    StringBuilder out = new StringBuilder();
    boolean inRegions = false;
    boolean keep = true;
    for (String line : yaml.split("\n", -1)) {
      if (line.equals("  regions:")) {
        inRegions = true;
        out.append(line).append('\n');
        continue;
      }
      if (inRegions) {
        if (line.startsWith("      ") || line.isBlank()) {
          if (keep) {
            out.append(line).append('\n');
          }
          continue;
        }
        if (line.startsWith("    ") && !line.startsWith("     ")) {
          keep = line.trim().equals(region + ":");
          if (keep) {
            out.append(line).append('\n');
          }
          continue;
        }
        inRegions = false;
      }
      out.append(line).append('\n');
    }
    return out.substring(0, out.length() - 1);
  }

  /** The environment of {@code tcs run sidecar} pointed at {@code system}'s regions and home Hazelcast, serving on {@code port}. */
  static Map<String, String> sidecarEnvironment(Path configDir, JsonObject system, int port) {
    Map<String, String> env = new HashMap<>();
    env.put("TCS_CONFIG_DIR", configDir.toAbsolutePath().toString());
    env.put("TCS_SIDECAR_HTTP_PORT", Integer.toString(port));
    env.put("TCS_SIDECAR_SIDECAR_PRIMARY", system.getString("home"));
    system.getJsonObject("regions").forEach(region -> env.put("TCS_SIDECAR_SIDECAR_REGIONS_" + envPart(region.getKey()) + "_URL", region.getValue().toString()));
    env.put("TCS_SIDECAR_HAZELCAST_CLUSTER_NAME", system.getString("hazelcastCluster"));
    env.put("TCS_SIDECAR_HAZELCAST_MEMBERS", String.join(",", system.getJsonArray("hazelcastMembers").stream().map(Object::toString).toList()));
    return env;
  }

  private String startBareVertx(Path dir, Path bodyFile, List<String> pathList) {
    int port = freePort();
    List<String> command = java(javaOpts, "");
    command.add(BareVertxServer.class.getName());
    command.add(Integer.toString(port));
    command.add(bodyFile.toString());
    command.addAll(pathList);
    ChildProcess server = ChildProcess.start("vertx", command, Map.of(), dir);
    children.add(server);
    server.awaitLine("READY", Duration.ofSeconds(60));
    return "http://127.0.0.1:" + port;
  }

  /** nginx serving the body as a static file at each path, h2c prior knowledge; null if not installed. */
  private String startNginx(Path dir, String body, List<String> pathList) throws IOException {
    String nginx = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
        .map(p -> Path.of(p, "nginx"))
        .filter(Files::isExecutable)
        .map(Path::toString)
        .findFirst()
        .orElse(Files.isExecutable(Path.of("/usr/sbin/nginx")) ? "/usr/sbin/nginx" : null);
    if (nginx == null) {
      System.out.println("read-bench: nginx not installed (apt-get install -y nginx-light): no nginx baseline, no ratios");
      return null;
    }
    Path prefix = Files.createDirectories(dir.resolve("nginx"));
    Path root = Files.createDirectories(prefix.resolve("html"));
    for (String path : pathList) {
      Path file = root.resolve(path.substring(1));
      Files.createDirectories(file.getParent());
      Files.writeString(file, body, StandardCharsets.UTF_8);
    }
    int port = freePort();
    boolean root0 = "root".equals(System.getProperty("user.name"));
    String conf =
        (root0 ? "user root;\n" : "")
            + "worker_processes auto;\n"
            + "daemon off;\n"
            + "pid " + prefix.resolve("nginx.pid") + ";\n"
            + "error_log " + prefix.resolve("error.log") + " warn;\n"
            + "events { worker_connections 4096; }\n"
            + "http {\n"
            + "  access_log off;\n"
            + "  default_type application/json;\n"
            + "  sendfile off;\n" // nginx 1.22 h2c: with sendfile small responses stall 40 ms
            + "  tcp_nodelay on;\n"
            + "  keepalive_requests 100000000;\n"
            + "  open_file_cache max=1000 inactive=60s;\n" // no open()/fstat() per request: the stronger baseline
            + "  client_body_temp_path " + prefix.resolve("tmp") + ";\n"
            + "  server {\n"
            + "    listen 127.0.0.1:" + port + " http2;\n"
            + "    root " + root + ";\n"
            + "  }\n"
            + "}\n";
    Path confFile = prefix.resolve("nginx.conf");
    Files.writeString(confFile, conf);
    ChildProcess.runToCompletion("nginx-config-test", List.of(nginx, "-t", "-p", prefix.toString(), "-c", confFile.toString()), Duration.ofSeconds(30), dir);
    ChildProcess server = ChildProcess.start("nginx", List.of(nginx, "-p", prefix.toString(), "-c", confFile.toString()), Map.of(), dir);
    children.add(server);
    awaitListening(server, port, Duration.ofSeconds(30));
    return "http://127.0.0.1:" + port;
  }

  static void awaitListening(ChildProcess child, int port, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        if (!child.isAlive()) {
          throw new IllegalStateException(child.name() + " exited before listening on " + port + "; see " + child.log() + ":\n" + child.tail());
        }
        ChildProcess.sleep(200);
      }
    }
    throw new IllegalStateException(child.name() + " not listening on " + port + " within " + timeout.toSeconds() + " s:\n" + child.tail());
  }

  private static <T> T requireOk(Target target, T figures) {
    if (figures instanceof H2Load.Throughput t && (t.failed() > 0 || t.non2xx() > 0)) {
      throw new IllegalStateException(target.name() + ": " + t.failed() + " failed and " + t.non2xx() + " non-2xx answers in a hit run: " + t);
    }
    if (figures instanceof H2Load.Latency l && l.non200() > 0) {
      throw new IllegalStateException(target.name() + ": " + l.non200() + " non-200 answers in a latency run");
    }
    return figures;
  }

  private void printRound(Map<String, List<Figures>> results, int index) {
    System.out.printf("  %-15s %12s %10s %10s %10s %10s %10s%n", "target", "req/s", "p50 µs", "p90 µs", "p99 µs", "p99.9 µs", "max µs");
    results.forEach(
        (name, figures) -> {
          Figures f = figures.get(index);
          System.out.printf(
              Locale.ROOT, "  %-15s %12.0f %10d %10d %10d %10d %10d%s%n", name, f.throughput().requestsPerSecond(), f.latency().p50(), f.latency().p90(), f.latency().p99(), f.latency().p999(), f.latency().max(),
              f.gc() == null ? "" : String.format(Locale.ROOT, "   GC in the latency slices: %.0f pauses, %.1f ms (%.2f %% of them)", f.gc().count(), f.gc().seconds() * 1000, 100 * f.gc().seconds() / measuredLatencySeconds()));
        });
    List<Figures> nginx = results.get("nginx");
    if (nginx != null) {
      results.forEach(
          (name, figures) -> {
            if (!name.equals("nginx")) {
              System.out.printf(
                  Locale.ROOT, "  %s/nginx: throughput %.2fx, p99 %.2fx%n", name,
                  figures.get(index).throughput().requestsPerSecond() / nginx.get(index).throughput().requestsPerSecond(),
                  (double) figures.get(index).latency().p99() / nginx.get(index).latency().p99());
            }
          });
    }
  }

  private void printSummary(Map<String, List<Figures>> results) {
    System.out.printf("%n=== medians of %d rounds (min-max); throughput -c%d -m%d %d s, latency -c%d -m1 %d s, each in %d slices, the targets taking turns; load average now %s ===%n",
        repeats, clients, streams, slices * Math.max(1, durationSeconds / slices), latencyClients, measuredLatencySeconds(), slices, loadAverage());
    results.forEach(
        (name, figures) ->
            System.out.printf(
                Locale.ROOT, "RESULT %-15s req/s %s  p50 µs %s  p99 µs %s  p99.9 µs %s%n", name,
                spread(figures, f -> f.throughput().requestsPerSecond()),
                spread(figures, f -> f.latency().p50()),
                spread(figures, f -> f.latency().p99()),
                spread(figures, f -> f.latency().p999())));
    results.forEach(
        (name, figures) -> {
          if (figures.stream().allMatch(f -> f.gc() != null)) {
            System.out.printf(
                Locale.ROOT, "GC     %-15s in the latency runs: pauses/s %s  paused %% %s%n", name,
                spread(figures.stream().mapToDouble(f -> f.gc().count() / measuredLatencySeconds()).toArray(), "%.1f"),
                spread(figures.stream().mapToDouble(f -> 100 * f.gc().seconds() / measuredLatencySeconds()).toArray(), "%.2f"));
          }
        });
    List<Figures> nginx = results.get("nginx");
    if (nginx == null) {
      return;
    }
    results.forEach(
        (name, figures) -> {
          if (name.equals("nginx")) {
            return;
          }
          double[] throughput = new double[figures.size()];
          double[] p99 = new double[figures.size()];
          for (int i = 0; i < figures.size(); i++) {
            throughput[i] = figures.get(i).throughput().requestsPerSecond() / nginx.get(i).throughput().requestsPerSecond();
            p99[i] = (double) figures.get(i).latency().p99() / nginx.get(i).latency().p99();
          }
          System.out.printf(
              Locale.ROOT, "RATIO  %s/nginx throughput %s  p99 %s  (per-round ratios, median (min-max))%n", name, spread(throughput, "%.2fx"), spread(p99, "%.2fx"));
        });
  }

  private static String spread(List<Figures> figures, ToDoubleFunction<Figures> value) {
    return spread(figures.stream().mapToDouble(value).toArray(), "%.0f");
  }

  static String spread(double[] values, String format) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    return String.format(Locale.ROOT, format + " (" + format + "-" + format + ")", median, sorted[0], sorted[sorted.length - 1]);
  }

  private List<String> java(String opts, String extra) {
    return javaCommand(opts, extra);
  }

  /** {@code java OPTS EXTRA --add-opens... -cp <this classpath>}: a JVM of this benchmark's classes. */
  static List<String> javaCommand(String opts, String extra) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String part : (opts + " " + extra).trim().split("\\s+")) {
      if (!part.isBlank()) {
        command.add(part);
      }
    }
    command.addAll(OPENS);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    return command;
  }

  static int freePort() {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port on 127.0.0.1", e);
    }
  }

  private static List<String> urls(String base, List<String> pathList) {
    return pathList.stream().map(p -> base + p).toList();
  }

  private static String envPart(String key) {
    return key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_");
  }

  /** VmRSS of a process (the JVM or nginx master), from /proc. */
  static String residentMemory(long pid) {
    try {
      return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
          .filter(line -> line.startsWith("VmRSS:"))
          .map(line -> line.substring("VmRSS:".length()).trim())
          .findFirst()
          .orElse("unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0] + " " + parts[1] + " " + parts[2] + " @" + Instant.now().toString().substring(11, 19) + "Z";
    } catch (IOException e) {
      return "unknown";
    }
  }

  private void checkAlive() {
    for (ChildProcess child : children) {
      if (!child.isAlive() && !child.name().equals("nginx")) {
        throw new IllegalStateException(child.name() + " died during the run; see " + child.log());
      }
    }
  }

  private synchronized void stopAll() {
    List<ChildProcess> reversed = new ArrayList<>(children);
    reversed.sort(Comparator.comparingInt(children::indexOf).reversed());
    for (ChildProcess child : reversed) {
      child.close();
    }
    children.clear();
  }
}
