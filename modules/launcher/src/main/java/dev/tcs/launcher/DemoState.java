package dev.tcs.launcher;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a running {@code tcs demo} or {@code tcs up} can be found: the addresses of its
 * infrastructure (Kafka, DynamoDB Local, each Hazelcast cluster's members) and of every
 * component's HTTP server, the pid of the process that runs it (for {@code tcs up}, the
 * infrastructure's), and under {@code tcs up} each local process with its pid and command line.
 * The demo and {@code tcs up} {@link #write write} it atomically once up and {@link #delete delete}
 * it on a clean stop; commands that talk to a running system ({@code tcs replay}, {@code chaos},
 * {@code import}, {@code drill}, {@code down}) {@link #readLive read} it and ignore it when its
 * process is gone (a demo that was killed).
 *
 * <p>The file is {@code $TCS_STATE_DIR/demo.json}, by default {@code ~/.tcs/demo.json}.
 *
 * @param pid the process that runs the demo
 * @param startedAt when it was written
 * @param kafka Kafka bootstrap servers ({@code host:port})
 * @param dynamodb DynamoDB Local's endpoint URL
 * @param hazelcast cluster name to its members ({@code host:port})
 * @param components component name ({@code catalogue}, {@code projector}, {@code sidecar},
 *     {@code region.<name>}) to its base URL
 * @param processes under {@code tcs up}: each local process ({@code infra}, {@code catalogue},
 *     {@code projector}, {@code region-<name>}, {@code sidecar}) with its pid and how to restart it;
 *     empty for {@code tcs demo}, whose components all run in process {@code pid}
 */
public record DemoState(
    long pid,
    Instant startedAt,
    String kafka,
    String dynamodb,
    Map<String, List<String>> hazelcast,
    Map<String, String> components,
    Map<String, LocalProcess> processes) {

  public static final String FILE_NAME = "demo.json";

  /**
   * One process of a {@code tcs up} system.
   *
   * @param pid its process id
   * @param startedAt when the OS started it (told apart from a later process reusing the pid), or null if unknown
   * @param command the command line that starts it again, as given to {@link ProcessBuilder}
   * @param log the file its output is appended to
   * @param readyUrl its {@code /health/ready} URL, or null when it has none (the infrastructure)
   */
  public record LocalProcess(long pid, Instant startedAt, List<String> command, String log, String readyUrl) {
    public LocalProcess {
      command = List.copyOf(command);
    }

    /** The same process definition with a new pid and start time (after a restart). */
    public LocalProcess restarted(long newPid, Instant newStartedAt) {
      return new LocalProcess(newPid, newStartedAt, command, log, readyUrl);
    }
  }

  public DemoState {
    hazelcast = Map.copyOf(hazelcast);
    components = Map.copyOf(components);
    processes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(processes));
  }

  /** The state of a {@code tcs demo}: every component in process {@code pid}. */
  public DemoState(long pid, Instant startedAt, String kafka, String dynamodb, Map<String, List<String>> hazelcast, Map<String, String> components) {
    this(pid, startedAt, kafka, dynamodb, hazelcast, components, Map.of());
  }

  /** True when this is a {@code tcs up} system (separate processes) rather than a one-JVM {@code tcs demo}. */
  public boolean separateProcesses() {
    return !processes.isEmpty();
  }

  /** This state with process {@code name} replaced (after a restart). */
  public DemoState withProcess(String name, LocalProcess process) {
    Map<String, LocalProcess> next = new LinkedHashMap<>(processes);
    next.put(name, process);
    return new DemoState(pid, startedAt, kafka, dynamodb, hazelcast, components, next);
  }

  /** The state directory: {@code $TCS_STATE_DIR}, else {@code ~/.tcs}. */
  public static Path directory(Map<String, String> env) {
    String dir = env.get("TCS_STATE_DIR");
    return dir != null && !dir.isBlank() ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".tcs");
  }

  /** The state file of the demo in {@code directory}. */
  public static Path file(Path directory) {
    return directory.resolve(FILE_NAME);
  }

  /** The URL of the region named {@code region}, if the demo runs it. */
  public Optional<String> region(String region) {
    return Optional.ofNullable(components.get("region." + region));
  }

  /** Writes this state to {@code file} atomically (a temp file in the same directory, then a rename). */
  public void write(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), FILE_NAME, ".tmp");
      try {
        Files.writeString(temp, toJson().encodePrettily(), StandardCharsets.UTF_8);
        try {
          Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the demo state file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Deletes {@code file} if it still describes this process's demo (a newer demo may have replaced it). */
  public static void delete(Path file, long pid) {
    try {
      Optional<DemoState> current = read(file);
      if (current.isEmpty() || current.get().pid() == pid) {
        Files.deleteIfExists(file);
      }
    } catch (IOException | RuntimeException e) {
      // Best effort on shutdown: a stale file is ignored by readers once the pid is dead.
    }
  }

  /** The state in {@code file} if it exists and its demo process is alive; empty otherwise. */
  public static Optional<DemoState> readLive(Path file) {
    try {
      return read(file).filter(state -> ProcessHandle.of(state.pid()).map(ProcessHandle::isAlive).orElse(false));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * The state in {@code file}, alive or not; empty if there is no file.
   *
   * @throws IllegalStateException naming the file and the field when the file is not a demo state
   */
  static Optional<DemoState> read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    try {
      return Optional.of(fromJson(new JsonObject(text)));
    } catch (DecodeException | ClassCastException | NullPointerException | IllegalStateException | java.time.format.DateTimeParseException e) {
      throw new IllegalStateException("demo state file " + file + " is not valid: " + e.getMessage(), e);
    }
  }

  JsonObject toJson() {
    JsonObject clusters = new JsonObject();
    hazelcast.forEach((name, members) -> clusters.put(name, new JsonArray(List.copyOf(members))));
    JsonObject urls = new JsonObject();
    components.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> urls.put(e.getKey(), e.getValue()));
    JsonObject json = new JsonObject()
        .put("pid", pid)
        .put("startedAt", startedAt.toString())
        .put("kafka", kafka)
        .put("dynamodb", dynamodb)
        .put("hazelcast", clusters)
        .put("components", urls);
    if (!processes.isEmpty()) {
      JsonObject procs = new JsonObject();
      processes.forEach(
          (name, p) -> procs.put(name, new JsonObject()
              .put("pid", p.pid())
              .put("startedAt", p.startedAt() == null ? null : p.startedAt().toString())
              .put("command", new JsonArray(List.copyOf(p.command())))
              .put("log", p.log())
              .put("readyUrl", p.readyUrl())));
      json.put("processes", procs);
    }
    return json;
  }

  static DemoState fromJson(JsonObject json) {
    Map<String, List<String>> clusters = new LinkedHashMap<>();
    JsonObject hz = json.getJsonObject("hazelcast", new JsonObject());
    for (String name : hz.fieldNames()) {
      clusters.put(name, hz.getJsonArray(name).stream().map(String::valueOf).toList());
    }
    Map<String, String> urls = new LinkedHashMap<>();
    JsonObject components = json.getJsonObject("components", new JsonObject());
    for (String name : components.fieldNames()) {
      urls.put(name, components.getString(name));
    }
    Map<String, LocalProcess> processes = new LinkedHashMap<>();
    JsonObject procs = json.getJsonObject("processes", new JsonObject());
    for (String name : procs.fieldNames()) {
      JsonObject p = procs.getJsonObject(name);
      String started = p.getString("startedAt");
      processes.put(
          name,
          new LocalProcess(
              require(p.getLong("pid"), "processes." + name + ".pid"),
              started == null ? null : Instant.parse(started),
              require(p.getJsonArray("command"), "processes." + name + ".command").stream().map(String::valueOf).toList(),
              require(p.getString("log"), "processes." + name + ".log"),
              p.getString("readyUrl")));
    }
    return new DemoState(
        require(json.getLong("pid"), "pid"),
        Instant.parse(require(json.getString("startedAt"), "startedAt")),
        require(json.getString("kafka"), "kafka"),
        require(json.getString("dynamodb"), "dynamodb"),
        clusters,
        urls,
        processes);
  }

  private static <T> T require(T value, String field) {
    if (value == null) {
      throw new IllegalStateException("field " + field + " is missing");
    }
    return value;
  }
}
