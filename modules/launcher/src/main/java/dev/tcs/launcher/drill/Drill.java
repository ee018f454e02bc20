package dev.tcs.launcher.drill;

import com.hazelcast.core.HazelcastInstance;
import dev.tcs.core.auth.Principal;
import dev.tcs.infra.EmbeddedHazelcast;
import dev.tcs.launcher.DemoSystem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The failure drill: seeds tenants through the catalogue, puts steady reads on the sidecar and a
 * trickle of writes on the catalogue, then runs scripted phases in order, each a fault switched
 * on, held, cleared, and a recovery. Per phase it reports what the load saw (see {@link
 * PhaseResult}) and whether the phase passed: no client-visible error, no version regression, and
 * every write of the phase visible at every region and the sidecar within the freshness target
 * after the fault cleared. A soak repeats the phases and samples the heap after each round.
 *
 * <p>Runs against a {@link DrillTarget}: a {@link DemoSystem} in this JVM (its Kafka, Hazelcast
 * members and the sidecar deployment are reachable as objects), or a {@code tcs up} system of
 * separate processes, where a region process can be SIGKILLed; a phase the target cannot run is
 * reported as skipped with the reason. Region faults go through each region's {@code /chaos}
 * with an admin token, as {@code tcs chaos} sends them. Blocking: call from {@code main} or a test.
 */
public final class Drill {
  private static final String READER = "jira";

  /** Under {@code tcs up} only: the primary region's process SIGKILLed, then started again. */
  public static final String REGION_PROCESS_KILLED = "region-process-killed";

  /** The phases in the order they run (skipping the warm-up changes nothing: it always runs). */
  public static final List<String> PHASES =
      List.of("warm-up", "baseline", "region-off", "region-slow", "ingest-paused", "kafka-restart", "dynamo-failing", "hazelcast-member-killed", "sidecar-restart", REGION_PROCESS_KILLED);

  /**
   * What the load saw during one phase. Latencies in milliseconds; freshness -1 when a write never
   * became visible; {@code excused}: failed reads the sidecar could not have answered (while no
   * region answers, reads of tenants written since it last answered them), by kind, not errors.
   */
  public record PhaseResult(
      String name,
      String fault,
      long requests,
      long shed,
      Map<String, Long> errors,
      double p50,
      double p99,
      double p999,
      double hitRatio,
      int writes,
      long freshnessMaxMs,
      int lateWrites,
      Map<String, Long> lateAt,
      List<String> lateSamples,
      long regressions,
      List<String> regressionSamples,
      Map<String, Long> excused,
      boolean passed,
      String verdict) {
    public long errorCount() {
      return errors.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** The whole drill: every phase, and in a soak the heap used after GC at the end of each round. */
  public record Result(List<PhaseResult> phases, List<Long> heapMb, boolean memoryFlat, boolean passed) {}

  private interface Step {
    void run() throws Exception;
  }

  private record Phase(String name, String fault, Step inject, Step clear) {}

  private final DrillTarget system;
  private final String home;
  private final DrillSettings settings;
  private final PrintWriter out;
  private final Vertx vertx = Vertx.vertx();
  private final Http http = new Http(vertx);
  private final String reader;
  private final String writer;
  private final String admin;
  private final SidecarScrape scrape;
  private ReadLoad reads;
  private WriteLoad writes;
  /** Sidecar reads counted in the current phase before a sidecar restart reset its counters. */
  private SidecarScrape.Reads carried = SidecarScrape.Reads.ZERO;
  private SidecarScrape.Reads phaseStart = SidecarScrape.Reads.ZERO;
  /** The sidecar's read counters over the phase that ended last. */
  private SidecarScrape.Reads previousReads = SidecarScrape.Reads.ZERO;
  /** The region the last fault went to, for the phase's description. */
  private String lastTarget;
  /** Phases this system cannot run, with the reason. */
  private final Map<String, String> skipped = new LinkedHashMap<>();

  private Drill(DrillTarget system, String home, DrillSettings settings, PrintWriter out) {
    this.system = system;
    this.home = home;
    this.settings = settings;
    this.out = out;
    Duration ttl = Duration.ofHours(2);
    this.reader = system.tokens().issue(READER, Set.of(Principal.READER), ttl);
    this.writer = system.tokens().issue("tcs-drill", Set.of(Principal.WRITER), ttl);
    this.admin = system.tokens().issue("tcs-drill", Set.of(Principal.ADMIN), ttl);
    this.scrape = new SidecarScrape(http, system.endpoints().sidecar());
  }

  /**
   * Runs the drill against {@code system} and prints each phase's line to {@code out} as it ends.
   *
   * @param home the sidecar's home region (whose Hazelcast cluster sends it invalidations)
   */
  public static Result run(DemoSystem system, String home, DrillSettings settings, PrintWriter out) throws Exception {
    return run(DrillTarget.of(system), home, settings, out);
  }

  /** Runs the drill against {@code system} (the demo in this JVM, or a {@code tcs up} system); phases it cannot run are reported as skipped. */
  public static Result run(DrillTarget system, String home, DrillSettings settings, PrintWriter out) throws Exception {
    Drill drill = new Drill(system, home, settings, out);
    try {
      return drill.run();
    } finally {
      drill.vertx.close().await();
    }
  }

  private Result run() throws Exception {
    List<String> tenants = IntStream.range(0, settings.tenants()).mapToObj(i -> String.format("drill-%05d", i)).toList();
    long started = System.nanoTime();
    seed(tenants);
    out.printf("seeded %d tenants through the catalogue, visible at every region after %d ms%n", tenants.size(), (System.nanoTime() - started) / 1_000_000);
    out.printf(
        "load: %d reads/s on the sidecar (HTTP/2, Zipf s=%.1f, at most %d in flight), %.0f writes/s at the catalogue; fault %d s, recovery %d s, freshness target %d ms%n%n",
        settings.readsPerSecond(), settings.zipfExponent(), settings.maxInFlight(), settings.writesPerSecond(),
        settings.fault().toSeconds(), settings.recovery().toSeconds(), settings.freshnessTarget().toMillis());
    out.println(Report.header());
    out.flush();

    Map<String, String> targets = new LinkedHashMap<>(system.endpoints().regions());
    targets.put("sidecar", system.endpoints().sidecar());
    Freshness freshness = new Freshness(vertx, targets, reader, settings.freshnessTarget().plus(Duration.ofSeconds(8)));
    reads = new ReadLoad(vertx, http.h2, system.endpoints().sidecar(), reader, tenants, settings);
    writes = new WriteLoad(vertx, http.h1, system.endpoints().catalogue(), writer, tenants, settings, freshness, reads);

    List<PhaseResult> results = new ArrayList<>();
    List<Long> heapMb = new ArrayList<>();
    PhaseStats current = new PhaseStats("warm-up");
    current.faultDescription = "none; the sidecar and the JVM start cold (reported, not judged)";
    current.judged = false;
    phaseStart = scrape.reads();
    reads.start(current);
    writes.start(current);
    Thread.sleep(settings.warmUp().toMillis());
    long soakEnds = System.nanoTime() + settings.soak().toNanos();
    int round = 0;
    do {
      round++;
      for (Phase phase : phases()) {
        if (settings.skip().contains(phase.name())) {
          continue;
        }
        Optional<String> cannot = system.cannotRun(phase.name());
        if (cannot.isPresent()) {
          skipped.put(phase.name(), cannot.get());
          continue;
        }
        current = runPhase(current, phase, results);
      }
      if (!settings.soak().isZero()) {
        heapMb.add(heapAfterGcMb());
        out.printf("-- round %d ends (its last phase is reported next): heap used after GC %d MB%n", round, heapMb.get(heapMb.size() - 1));
        out.flush();
      }
    } while (System.nanoTime() < soakEnds);
    reads.stop();
    writes.stop();
    finish(current, results, false);
    if (!freshness.abandoned.isEmpty()) {
      out.println("freshness polls abandoned, by stage and target: " + freshness.abandoned);
    }
    skipped.forEach((name, why) -> out.println(Report.skipped(name, why)));

    boolean memoryFlat = memoryFlat(heapMb);
    boolean passed = memoryFlat && results.stream().allMatch(PhaseResult::passed);
    out.println();
    out.println(Report.summary(results, heapMb, memoryFlat, settings, passed));
    out.flush();
    return new Result(results, heapMb, memoryFlat, passed);
  }

  /** Runs {@code phase}: its own stats from now, the fault on, held, cleared, a recovery; reports the phase before it. */
  private PhaseStats runPhase(PhaseStats previous, Phase phase, List<PhaseResult> results) throws Exception {
    PhaseStats stats = new PhaseStats(phase.name());
    stats.faultDescription = phase.fault();
    switchTo(stats);
    finish(previous, results, true);
    lastTarget = null;
    phase.inject().run();
    if (lastTarget != null && phase.fault().startsWith("primary region")) {
      stats.faultDescription = phase.fault().replace("primary region", "primary region " + lastTarget);
    }
    Thread.sleep(settings.fault().toMillis());
    phase.clear().run();
    stats.cleared.complete(System.nanoTime());
    Thread.sleep(settings.recovery().toMillis());
    return stats;
  }

  /** Reads and writes count in {@code next} from now; remembers the sidecar's read counters of the phase that ends. */
  private void switchTo(PhaseStats next) {
    reads.phase(next);
    writes.phase(next);
    SidecarScrape.Reads now = scrape.reads();
    previousReads = carried.plus(now.since(phaseStart));
    phaseStart = now;
    carried = SidecarScrape.Reads.ZERO;
  }

  /** Waits for the phase's reads and freshness checks, then reports it. */
  private void finish(PhaseStats stats, List<PhaseResult> results, boolean switched) throws InterruptedException {
    if (!switched) {
      switchTo(new PhaseStats("(after)"));
    }
    stats.cleared.tryComplete(System.nanoTime());
    long deadline = System.nanoTime() + settings.readTimeout().plusSeconds(1).toNanos();
    while (stats.inFlight.sum() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    // Bounded (a backstop: Http.send bounds each exchange); a check still out counts as never visible.
    List<Future<Freshness.Seen>> checks = stats.freshness();
    long freshDeadline = System.nanoTime() + settings.freshnessTarget().plusSeconds(15).toNanos();
    while (checks.stream().anyMatch(check -> !check.isComplete()) && System.nanoTime() < freshDeadline) {
      Thread.sleep(20);
    }
    List<Freshness.Seen> fresh = new ArrayList<>();
    for (Future<Freshness.Seen> one : checks) {
      fresh.add(one.succeeded() ? one.result() : Freshness.Seen.never());
    }
    long hung = checks.stream().filter(check -> !check.isComplete()).count();
    if (hung > 0) {
      stats.error("freshness check that never completed (counted as not visible) x" + hung);
    }
    PhaseResult result = Report.result(stats, previousReads, fresh, settings);
    results.add(result);
    out.println(Report.line(result));
    Report.details(result).forEach(out::println);
    out.flush();
  }

  // ---- the phases ----

  private List<Phase> phases() {
    List<String> regions = List.copyOf(system.endpoints().regions().keySet());
    return List.of(
        new Phase("baseline", "none", () -> {}, () -> {}),
        new Phase("region-off", "primary region's read API off", () -> chaos(primary(), new JsonObject().put("readOff", true)), this::clearAll),
        new Phase("region-slow", "primary region +400 ms on every read", () -> chaos(primary(), new JsonObject().put("latency", "400ms").put("latencyFraction", 1.0)), this::clearAll),
        new Phase("ingest-paused", "home region " + home + " ingestion paused, then resumed", () -> chaos(home, new JsonObject().put("ingestPaused", true)), this::clearAll),
        new Phase("kafka-restart", "Kafka broker stopped, then restarted on its port", () -> system.stopKafka(), () -> system.restartKafka()),
        new Phase("dynamo-failing", "primary region's DynamoDB calls all failing", () -> chaos(primary(), new JsonObject().put("dynamoFailures", 1.0)), this::clearAll),
        new Phase("hazelcast-member-killed", "a second member joins " + home + "'s cluster, then is killed (terminate)", this::killHazelcastMember, () -> {}),
        new Phase("sidecar-restart", "every region's read API off, the sidecar restarted (warm restart from its encrypted snapshot); while no region answers, a read is owed an answer when the sidecar had answered its tenant's newest written version", () -> restartSidecarRegionsDown(regions), this::clearAll),
        new Phase(REGION_PROCESS_KILLED, "primary region's process SIGKILLed, started again after the fault (tcs up)", this::killRegionProcess, () -> system.restartRegionProcess(lastTarget)));
  }

  private void killRegionProcess() {
    lastTarget = primary();
    system.killRegionProcess(lastTarget);
  }

  /** The region the sidecar routes to first now (the one whose fault hurts most). */
  private String primary() {
    return scrape.primary(home);
  }

  private void chaos(String region, JsonObject faults) {
    lastTarget = region;
    String url = system.endpoints().regions().get(region) + "/chaos";
    Http.Answer answer = http.control("POST", url, admin, faults.encode(), Duration.ofSeconds(5));
    if (answer.status() != 200) {
      throw new IllegalStateException("chaos " + region + " answered " + answer.status() + ": " + answer.body());
    }
  }

  private void clearAll() {
    for (String url : system.endpoints().regions().values()) {
      Http.Answer answer = http.control("DELETE", url + "/chaos", admin, null, Duration.ofSeconds(5));
      if (answer.status() != 200) {
        throw new IllegalStateException("clearing chaos at " + url + " answered " + answer.status());
      }
    }
    reads.onlySeen(false);
  }

  private void killHazelcastMember() throws InterruptedException {
    String cluster = "tcs-" + home;
    HazelcastInstance second = EmbeddedHazelcast.startMember(cluster, system.hazelcastAddresses(cluster));
    Thread.sleep(1000); // partitions migrate to it, the sidecar's client connects to it
    second.getLifecycleService().terminate();
  }

  private void restartSidecarRegionsDown(List<String> regions) throws InterruptedException {
    reads.onlySeen(true);
    for (String region : regions) {
      chaos(region, new JsonObject().put("readOff", true));
    }
    Thread.sleep(settings.fault().toMillis() / 2);
    reads.pause(true);
    reads.awaitIdle(settings.readTimeout().plusSeconds(1));
    SidecarScrape.Reads beforeStop = scrape.reads();
    carried = carried.plus(beforeStop.since(phaseStart));
    long stopping = System.nanoTime();
    system.stopSidecar();
    system.startSidecar();
    phaseStart = SidecarScrape.Reads.ZERO;
    out.printf("   (sidecar down for %d ms, reads paused meanwhile; it restarted holding %d entries)%n", (System.nanoTime() - stopping) / 1_000_000, scrape.cacheSize());
    reads.pause(false);
  }

  // ---- set-up and memory ----

  /** PUTs every tenant (32 at a time), then waits until each is readable at every region. */
  private void seed(List<String> tenants) {
    int batch = 16;
    for (int i = 0; i < tenants.size(); i += batch) {
      List<Future<Long>> puts = new ArrayList<>();
      for (String tenant : tenants.subList(i, Math.min(tenants.size(), i + batch))) {
        puts.add(seedOne(tenant, 3));
      }
      Future.all(puts).await();
    }
    Freshness regions = new Freshness(vertx, system.endpoints().regions(), reader, Duration.ofSeconds(120), 250);
    for (int i = 0; i < tenants.size(); i += 64) {
      List<Future<Freshness.Seen>> visible = new ArrayList<>();
      long now = System.nanoTime();
      for (String tenant : tenants.subList(i, Math.min(tenants.size(), i + 64))) {
        visible.add(regions.visible(tenant, 1, now));
      }
      for (Future<Freshness.Seen> one : visible) {
        if (one.await().millis() < 0) {
          throw new IllegalStateException("a seeded tenant was not readable at every region within 120 s");
        }
      }
    }
  }

  /** PUTs a seed document, again after a failure ({@code attempts} in all): on a loaded box one PUT can time out. */
  private Future<Long> seedOne(String tenant, int attempts) {
    return WriteLoad.put(http.h1, system.endpoints().catalogue(), writer, tenant, WriteLoad.document(tenant, 0))
        .recover(e -> attempts > 1 ? seedOne(tenant, attempts - 1) : Future.failedFuture(e));
  }

  private static long heapAfterGcMb() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
  }

  /** Flat: the lower of the last two samples is within the growth limit of the first (the first round warms up). */
  private boolean memoryFlat(List<Long> heapMb) {
    if (heapMb.size() < 3) {
      return true;
    }
    long last = Math.min(heapMb.get(heapMb.size() - 1), heapMb.get(heapMb.size() - 2));
    return last - heapMb.get(0) <= settings.memoryGrowthLimitMb();
  }
}
