package dev.tcs.launcher;

import dev.tcs.core.config.Settings;
import dev.tcs.infra.FreePorts;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's system as separate local processes, as {@code tcs up} runs it: one process for the
 * infrastructure ({@code tcs infra}: Kafka, DynamoDB Local, one Hazelcast member per region
 * cluster), then one {@code tcs run COMPONENT --insecure-join-demo --overlay FILE} process each
 * for the catalogue, the projector, every region of {@code demo.yaml} and the sidecar, on the
 * demo's ports. Each region's own Hazelcast member joins the infrastructure's member of its
 * cluster, so a region process can die and rejoin without the cluster (and its invalidation
 * topic) going away; each region's Kafka consumer gives its partitions up 6 s after it stops
 * heartbeating, so a SIGKILLed region's restart resumes ingestion from its committed offsets.
 *
 * <p>Everything about the running system, each process's pid and command line included, is in
 * the state file ({@link DemoState}, {@code processes}); the overlays and logs are under
 * {@code <state dir>/up/}. Blocking: for {@code main} only.
 */
final class UpSystem {
  private static final Logger log = LoggerFactory.getLogger(UpSystem.class);

  static final String INFRA = "infra";
  private static final String LOOPBACK = "127.0.0.1";
  static final String MAIN = TcsCommand.class.getName();
  static final Duration START_TIMEOUT = Duration.ofSeconds(300); // a guard: at load average 70-120 on this 2-core box, components took over 180 s
  static final Duration STOP_GRACE = Duration.ofSeconds(15);

  private UpSystem() {}

  /** The process name of region {@code region}. */
  static String regionProcess(String region) {
    return "region-" + region;
  }

  /** What {@link #start} started: the state (also written to the state file) and the endpoints to print. */
  record Started(DemoState state, DemoSystem.Endpoints endpoints) {}

  /**
   * Starts every process, writes the state file as soon as the first one runs (so {@code tcs down}
   * can clean up after a failed start), and returns once each component answers ready. If one
   * fails, every process started so far is stopped and the state file deleted.
   */
  static Started start(Vertx vertx, Path configDir, Map<String, String> env, Path stateFile) {
    ConfigFiles files = new ConfigFiles(vertx, configDir, env);
    Settings demo = Settings.of("demo", files.load("demo"));
    demo.allowOnly("regions", "auth", "seed", "token-ttl");
    Map<String, Integer> regionPorts = DemoSystem.regionPorts(demo.section("regions"), false);
    Path dir = upDirectory(stateFile);
    Path logs = dir.resolve("logs");
    recreate(dir, logs);

    Map<String, DemoState.LocalProcess> processes = new LinkedHashMap<>();
    Instant startedAt = Instant.now();
    try {
      List<String> clusters = regionPorts.keySet().stream().map(DemoSystem::clusterOf).toList();
      Path infraReady = dir.resolve("infra.json");
      DemoState.LocalProcess infra =
          LocalProcesses.start(
              tcs("768m", List.of("--config-dir", configDir.toString(), "infra", "--clusters", String.join(",", clusters), "--ready-file", infraReady.toString())),
              logs.resolve(INFRA + ".log"),
              null);
      processes.put(INFRA, infra);
      new DemoState(infra.pid(), startedAt, "-", "-", Map.of(), Map.of(), processes).write(stateFile);
      LocalProcesses.awaitFile(INFRA, infra, infraReady, START_TIMEOUT);
      JsonObject addresses = new JsonObject(Files.readString(infraReady, StandardCharsets.UTF_8));
      String kafka = addresses.getString("kafka");
      String dynamodb = addresses.getString("dynamodb");
      JsonObject infraMembers = addresses.getJsonObject("hazelcast");

      JsonObject sidecarFile = files.load("sidecar");
      String home = sidecarFile.getJsonObject("sidecar").getString("primary");
      if (!regionPorts.containsKey(home)) {
        home = regionPorts.keySet().iterator().next();
      }

      Map<String, List<String>> hazelcast = new LinkedHashMap<>();
      Map<String, String> components = new LinkedHashMap<>();
      Map<String, Path> overlays = new LinkedHashMap<>();
      JsonObject infraSection = new JsonObject().put("kafka", new JsonObject().put("bootstrap-servers", kafka)).put("dynamodb", new JsonObject().put("endpoint", dynamodb));

      // Ports go into the overlays too: a restart started from another shell gets the same ones.
      JsonObject catalogueFile = files.load("catalogue");
      components.put("catalogue", url(catalogueFile));
      overlays.put("catalogue", overlay(dir, "catalogue", infraSection.copy().put("http", bind(catalogueFile))));
      JsonObject projectorFile = files.load("projector");
      components.put("projector", url(projectorFile));
      overlays.put("projector", overlay(dir, "projector", new JsonObject().put("kafka", infraSection.getJsonObject("kafka").copy()).put("http", bind(projectorFile))));

      JsonObject sidecarRegions = new JsonObject();
      for (Map.Entry<String, Integer> region : regionPorts.entrySet()) {
        String cluster = DemoSystem.clusterOf(region.getKey());
        String infraMember = infraMembers.getJsonArray(cluster).getString(0);
        int memberPort = FreePorts.one();
        List<String> members = List.of(infraMember, LOOPBACK + ":" + memberPort);
        hazelcast.put(cluster, members);
        String url = "http://" + LOOPBACK + ":" + region.getValue();
        JsonObject json = infraSection.copy();
        json.getJsonObject("kafka").put("properties", new JsonObject().put("session.timeout.ms", "6000").put("heartbeat.interval.ms", "1500"));
        json.put("http", new JsonObject().put("host", LOOPBACK).put("port", region.getValue()));
        json.put("region", new JsonObject().put("name", region.getKey()));
        json.put("hazelcast", new JsonObject().put("cluster-name", cluster).put("host", LOOPBACK).put("port", memberPort).put("members", new JsonArray(members)));
        json.put("chaos", new JsonObject().put("enabled", true)); // as in the demo: for drills, `tcs chaos REGION ...`
        components.put("region." + region.getKey(), url);
        overlays.put(regionProcess(region.getKey()), overlay(dir, regionProcess(region.getKey()), json));
        sidecarRegions.put(region.getKey(), new JsonObject().put("url", url));
      }

      String homeCluster = DemoSystem.clusterOf(home);
      JsonObject sidecar =
          new JsonObject()
              .put("sidecar", new JsonObject().put("regions", sidecarRegions).put("snapshot", snapshot(sidecarFile, dir)))
              .put("hazelcast", new JsonObject().put("cluster-name", homeCluster).put("members", new JsonArray(hazelcast.get(homeCluster))))
              .put("http", bind(sidecarFile));
      components.put("sidecar", url(sidecarFile));
      overlays.put("sidecar", overlay(dir, "sidecar", sidecar));

      for (Map.Entry<String, Path> one : overlays.entrySet()) {
        String name = one.getKey();
        String component = name.startsWith("region-") ? "region" : name;
        String ready = components.get(name.startsWith("region-") ? "region." + name.substring("region-".length()) : name) + "/health/ready";
        List<String> args = List.of("--config-dir", configDir.toString(), "run", component, "--insecure-join-demo", "--overlay", one.getValue().toString());
        processes.put(name, LocalProcesses.start(tcs("384m", args), logs.resolve(name + ".log"), ready));
      }
      DemoState state = new DemoState(infra.pid(), startedAt, kafka, dynamodb, hazelcast, components, processes);
      state.write(stateFile);
      for (Map.Entry<String, DemoState.LocalProcess> process : processes.entrySet()) {
        if (!process.getKey().equals(INFRA)) {
          LocalProcesses.awaitReady(process.getKey(), process.getValue(), START_TIMEOUT);
        }
      }
      Map<String, String> regionUrls = new LinkedHashMap<>();
      regionPorts.keySet().forEach(region -> regionUrls.put(region, components.get("region." + region)));
      return new Started(state, new DemoSystem.Endpoints(components.get("catalogue"), components.get("projector"), regionUrls, components.get("sidecar")));
    } catch (IOException e) {
      stop(processes);
      DemoState.delete(stateFile, processes.get(INFRA).pid());
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      stop(processes);
      if (processes.containsKey(INFRA)) {
        DemoState.delete(stateFile, processes.get(INFRA).pid());
      }
      throw e;
    }
  }

  /**
   * Stops process {@code name} (SIGTERM, then SIGKILL after the grace period) if it still runs,
   * starts it again with the same command line, and waits until it is ready; returns the state
   * with its new pid, also written to {@code stateFile}.
   *
   * @throws IllegalArgumentException naming the processes there are, when there is no {@code name}
   * @throws IllegalStateException for the infrastructure, whose restart would lose every table
   */
  static DemoState restart(DemoState state, String name, Path stateFile) {
    DemoState.LocalProcess process = process(state, name);
    LocalProcesses.stop(process, STOP_GRACE);
    return startAgain(state, name, stateFile);
  }

  /** Starts process {@code name} again after it died (or was killed) and waits until it is ready; records its new pid. */
  static DemoState startAgain(DemoState state, String name, Path stateFile) {
    DemoState.LocalProcess process = process(state, name);
    if (LocalProcesses.alive(process)) {
      throw new IllegalStateException(name + " still runs (pid " + process.pid() + "); stop it first");
    }
    DemoState.LocalProcess restarted = LocalProcesses.restart(process);
    DemoState next = state.withProcess(name, restarted);
    next.write(stateFile);
    LocalProcesses.awaitReady(name, restarted, START_TIMEOUT);
    log.info("process restarted name={} pid={}", name, restarted.pid());
    return next;
  }

  /** The process called {@code name}; the infrastructure cannot be restarted alone. */
  static DemoState.LocalProcess process(DemoState state, String name) {
    if (name.equals(INFRA)) {
      throw new IllegalStateException(
          "infra cannot be restarted alone: DynamoDB Local keeps every table in its memory and Kafka's log is temporary; ./tcs down, then ./tcs up");
    }
    DemoState.LocalProcess process = state.processes().get(name);
    if (process == null) {
      List<String> names = new ArrayList<>(state.processes().keySet());
      names.remove(INFRA);
      throw new IllegalArgumentException("there is no process '" + name + "'; processes: " + String.join(", ", names));
    }
    return process;
  }

  /** Stops the components first (all at once), then the infrastructure. */
  static void stop(Map<String, DemoState.LocalProcess> processes) {
    List<DemoState.LocalProcess> components = new ArrayList<>(processes.values());
    DemoState.LocalProcess infra = processes.get(INFRA);
    components.remove(infra);
    LocalProcesses.stopAll(components, STOP_GRACE);
    if (infra != null) {
      LocalProcesses.stop(infra, STOP_GRACE);
    }
  }

  /** The state file's {@code tcs up} system, if there is one (alive or not). */
  static Optional<DemoState> read(Path stateFile) {
    try {
      return DemoState.read(stateFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + stateFile + ": " + e.getMessage(), e);
    }
  }

  static Path upDirectory(Path stateFile) {
    return stateFile.toAbsolutePath().getParent().resolve("up");
  }

  private static List<String> tcs(String maxHeap, List<String> args) {
    return LocalProcesses.javaCommand(maxHeap, MAIN, args);
  }

  /** The sidecar's warm-restart snapshot: the file's own if it configures one, else one under the up directory with a new key. */
  private static JsonObject snapshot(JsonObject sidecarFile, Path dir) {
    JsonObject configured = sidecarFile.getJsonObject("sidecar").getJsonObject("snapshot");
    if (configured != null) {
      return configured.copy();
    }
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return new JsonObject().put("path", dir.resolve("sidecar.snapshot").toString()).put("key", Base64.getEncoder().encodeToString(key)).put("interval", "30s");
  }

  /** Writes {@code json} to {@code <dir>/<name>.json}, readable by this user only (the sidecar's holds its snapshot key). */
  private static Path overlay(Path dir, String name, JsonObject json) {
    Path file = dir.resolve(name + ".json");
    try {
      Files.deleteIfExists(file);
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, json.encodePrettily(), StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** Empties the up directory of an earlier run (its logs, overlays, snapshot). */
  private static void recreate(Path dir, Path logs) {
    try {
      if (Files.isDirectory(dir)) {
        try (var walk = Files.walk(dir)) {
          for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.delete(path);
          }
        }
      }
      Files.createDirectories(logs);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The host and port a component's file (with the environment) binds. */
  private static JsonObject bind(JsonObject json) {
    JsonObject http = json.getJsonObject("http");
    return new JsonObject().put("host", http.getString("host", LOOPBACK)).put("port", http.getInteger("port"));
  }

  private static String url(JsonObject json) {
    JsonObject http = json.getJsonObject("http");
    return "http://" + http.getString("host", "127.0.0.1") + ":" + http.getInteger("port");
  }
}
