package dev.tcs.bench.reads;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One process {@link ReadBench} measures, with its output in a log file; stopped with SIGTERM
 * (then SIGKILL after a grace period) by its own PID.
 */
final class ChildProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;

  private ChildProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  static ChildProcess start(String name, List<String> command, Map<String, String> env, Path workDir) {
    Path log = workDir.resolve(name + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    try {
      return new ChildProcess(name, builder.start(), log);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + name + ": " + command, e);
    }
  }

  /**
   * Runs a short command to completion, at most {@code timeout}; returns its output, or throws
   * naming the command, its exit code (or the timeout) and its output.
   */
  static String runToCompletion(String name, List<String> command, Duration timeout, Path workDir) {
    return runToCompletion(name, command, Map.of(), timeout, workDir);
  }

  /** {@link #runToCompletion(String, List, Duration, Path)} with more environment variables. */
  static String runToCompletion(String name, List<String> command, Map<String, String> env, Duration timeout, Path workDir) {
    ChildProcess child = start(name, command, env, workDir);
    try {
      child.process.getOutputStream().close();
      if (!child.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        child.process.destroyForcibly();
        throw new IllegalStateException(name + " did not finish within " + timeout.toSeconds() + " s: " + command + "\n" + child.tail());
      }
    } catch (IOException e) {
      // stdin already closed
    } catch (InterruptedException e) {
      child.process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    if (child.process.exitValue() != 0) {
      throw new IllegalStateException(name + " exited " + child.process.exitValue() + ": " + command + "\n" + child.tail());
    }
    return child.tail();
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  /** Waits for a line of the log starting with {@code prefix}; returns the rest of it. */
  String awaitLine(String prefix, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
          if (line.startsWith(prefix)) {
            return line.substring(prefix.length());
          }
        }
      } catch (IOException | java.io.UncheckedIOException e) {
        // not written yet, or a partial UTF-8 sequence: read again
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + " before it was ready; see " + log + ":\n" + tail());
      }
      sleep(200);
    }
    throw new IllegalStateException(name + " not ready within " + timeout.toSeconds() + " s; see " + log + ":\n" + tail());
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException | java.io.UncheckedIOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    try {
      process.getOutputStream().close(); // ReadBenchSystem stops when its stdin closes
    } catch (IOException e) {
      // already closed
    }
    process.destroy();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
