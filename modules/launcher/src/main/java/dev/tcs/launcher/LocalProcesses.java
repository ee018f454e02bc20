package dev.tcs.launcher;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Starts, watches and stops the local processes of {@code tcs up}: each one a JVM whose output is
 * appended to a log file, that outlives the command that started it, and that any later
 * {@code tcs} command can find by the pid and start time kept in the state file (so a pid reused
 * by an unrelated process is never signalled). Blocking: for {@code main} and tests only.
 */
final class LocalProcesses {
  /** What Hazelcast and DynamoDB Local need on JDK 17+ (the same list as the {@code tcs} script). */
  static final List<String> JVM_OPENS =
      List.of(
          "--add-opens", "java.base/java.lang=ALL-UNNAMED",
          "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens", "java.management/sun.management=ALL-UNNAMED",
          "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
          "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED");

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(1)).build();

  private LocalProcesses() {}

  /**
   * The command line of a JVM running {@code main} with this JVM's java and class path (made
   * absolute), Hazelcast's JVM options and a heap of at most {@code maxHeap} (e.g. {@code 384m}).
   */
  static List<String> javaCommand(String maxHeap, String main, List<String> args) {
    String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String classPath =
        String.join(
            File.pathSeparator,
            Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.isBlank())
                .map(entry -> Path.of(entry).toAbsolutePath().toString())
                .toList());
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("-Xmx" + maxHeap);
    command.add("-XX:+UseParallelGC");
    command.addAll(JVM_OPENS);
    command.add("-cp");
    command.add(classPath);
    command.add(main);
    command.addAll(args);
    return command;
  }

  /**
   * Starts {@code command} with its output appended to {@code log} and no input; returns as soon
   * as the OS has started it (see {@link #awaitReady} for when it serves).
   */
  static DemoState.LocalProcess start(List<String> command, Path log, String readyUrl) {
    try {
      Files.createDirectories(log.toAbsolutePath().getParent());
      Process process =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectErrorStream(true)
              .start();
      ProcessHandle handle = process.toHandle();
      return new DemoState.LocalProcess(handle.pid(), handle.info().startInstant().orElse(null), command, log.toString(), readyUrl);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command.get(0) + " (log " + log + "): " + e.getMessage(), e);
    }
  }

  /** Starts {@code process}'s command again (after it died or was stopped), appending to the same log. */
  static DemoState.LocalProcess restart(DemoState.LocalProcess process) {
    DemoState.LocalProcess started = start(process.command(), Path.of(process.log()), process.readyUrl());
    return process.restarted(started.pid(), started.startedAt());
  }

  /**
   * The running process {@code process} describes: same pid and, when the OS tells, the same
   * arguments (each names its own overlay or ready file, so a pid reused by another process does
   * not match). Not the start time: on this kind of VM the start instant the JDK derives from
   * boot time drifts by seconds.
   */
  static Optional<ProcessHandle> handle(DemoState.LocalProcess process) {
    List<String> arguments = process.command().subList(1, process.command().size());
    return ProcessHandle.of(process.pid())
        .filter(ProcessHandle::isAlive)
        .filter(h -> h.info().arguments().map(actual -> List.of(actual).equals(arguments)).orElse(true));
  }

  static boolean alive(DemoState.LocalProcess process) {
    return handle(process).isPresent();
  }

  /** SIGKILL, then waits (at most 10 s) until the process is gone. */
  static void kill(DemoState.LocalProcess process) {
    handle(process).ifPresent(h -> {
      h.destroyForcibly();
      awaitExit(h, Duration.ofSeconds(10));
    });
  }

  /** SIGTERM (the process runs its shutdown hooks), then SIGKILL if it is still there after {@code grace}. */
  static void stop(DemoState.LocalProcess process, Duration grace) {
    handle(process).ifPresent(h -> {
      h.destroy();
      if (!awaitExit(h, grace)) {
        h.destroyForcibly();
        awaitExit(h, Duration.ofSeconds(10));
      }
    });
  }

  /** Stops every process at once with {@link #stop}, and returns when all are gone. */
  static void stopAll(List<DemoState.LocalProcess> processes, Duration grace) {
    List<ProcessHandle> handles = processes.stream().map(LocalProcesses::handle).flatMap(Optional::stream).toList();
    handles.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + grace.toNanos();
    for (ProcessHandle h : handles) {
      if (!awaitExit(h, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
        h.destroyForcibly();
        awaitExit(h, Duration.ofSeconds(10));
      }
    }
  }

  private static boolean awaitExit(ProcessHandle handle, Duration timeout) {
    try {
      handle.onExit().get(Math.max(1, timeout.toMillis()), java.util.concurrent.TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return !handle.isAlive();
    } catch (java.util.concurrent.ExecutionException e) {
      return !handle.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !handle.isAlive();
    }
  }

  /**
   * Waits until {@code process}'s {@code /health/ready} answers 200.
   *
   * @throws IllegalStateException naming the process and quoting its log's last lines when it
   *     exits first (a busy port, a bad config, a SIGKILL) or is not ready within {@code timeout}
   */
  static void awaitReady(String name, DemoState.LocalProcess process, Duration timeout) {
    awaitCondition(name, process, timeout, () -> ready(process.readyUrl()), "ready at " + process.readyUrl());
  }

  /** Waits until {@code file} exists (the infrastructure writes it once it is up), with the same failure rules as {@link #awaitReady}. */
  static void awaitFile(String name, DemoState.LocalProcess process, Path file, Duration timeout) {
    awaitCondition(name, process, timeout, () -> Files.isRegularFile(file), "up (" + file + ")");
  }

  private static void awaitCondition(String name, DemoState.LocalProcess process, Duration timeout, BooleanSupplier done, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (done.getAsBoolean()) {
        return;
      }
      if (!alive(process)) {
        throw new IllegalStateException(name + " (pid " + process.pid() + ") exited before it was " + what + "; last lines of " + process.log() + ":\n" + tail(Path.of(process.log()), 15));
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(name + " (pid " + process.pid() + ") was not " + what + " within " + timeout.toSeconds() + " s; last lines of " + process.log() + ":\n" + tail(Path.of(process.log()), 15));
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + name, e);
      }
    }
  }

  /** True when {@code url} answers 200 within a second. */
  static boolean ready(String url) {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(1)).GET().build();
      return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The last {@code lines} lines of {@code log}, indented; empty if it cannot be read. */
  static String tail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()).stream().map(line -> "  | " + line).toList());
    } catch (IOException | UncheckedIOException e) {
      return "  (no log: " + e.getMessage() + ")";
    }
  }

}
