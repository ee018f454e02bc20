package dev.tcs.bench.reads;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * CPU time of named processes and of the whole machine over a span, from {@code /proc} (Linux):
 * where the cores went while something was measured. A process that is gone reads as 0.
 */
final class CpuUse {
  /** {@code USER_HZ}: the unit of {@code /proc} CPU times; 100 on every Linux build this runs on. */
  private static final double TICKS_PER_SECOND = 100;

  private final Map<String, Long> pids;
  private final Map<String, Long> processTicks;
  private final long[] machineTicks;
  private final long startNanos;

  private CpuUse(Map<String, Long> pids) {
    this.pids = pids;
    this.processTicks = new LinkedHashMap<>();
    pids.forEach((name, pid) -> processTicks.put(name, processTicks(pid)));
    this.machineTicks = machineTicks();
    this.startNanos = System.nanoTime();
  }

  /** Starts counting for {@code pids} (name to pid). */
  static CpuUse start(Map<String, Long> pids) {
    return new CpuUse(new LinkedHashMap<>(pids));
  }

  /**
   * One line: each process's CPU seconds since {@link #start} and its share of one core, then the
   * machine's busy and stolen shares of all its cores.
   */
  String report() {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "over %.1f s:", seconds));
    pids.forEach((name, pid) -> {
      double used = (processTicks(pid) - processTicks.get(name)) / TICKS_PER_SECOND;
      line.append(String.format(Locale.ROOT, "  %s %.1f s (%s of a core)", name, used, shareOfACore(used, seconds)));
    });
    long[] now = machineTicks();
    long total = now[0] - machineTicks[0];
    if (total > 0) {
      line.append(String.format(Locale.ROOT, "; machine busy %.0f %%, stolen %.1f %% (of %d cores)",
          100.0 * (now[1] - machineTicks[1]) / total, 100.0 * (now[2] - machineTicks[2]) / total, Runtime.getRuntime().availableProcessors()));
    } else {
      line.append("; machine: no tick counted yet");
    }
    return line.toString();
  }

  /** {@code used} CPU seconds as a share of one core over {@code seconds}; under one tick's span a share means nothing. */
  private static String shareOfACore(double used, double seconds) {
    return seconds < 1 / TICKS_PER_SECOND ? "span under one tick" : String.format(Locale.ROOT, "%.0f %%", 100 * used / seconds);
  }

  /** utime + stime of {@code pid}, in ticks; 0 when it cannot be read. */
  static long processTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // Fields after the command name (which may hold spaces), from field 3 (state): utime is 14, stime 15.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** The machine's total, busy (not idle or iowait) and stolen ticks, from the first line of {@code /proc/stat}. */
  private static long[] machineTicks() {
    try {
      String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < fields.length && i <= 8; i++) {
        total += Long.parseLong(fields[i]);
      }
      long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
      return new long[] {total, total - idle, Long.parseLong(fields[8])};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0, 0};
    }
  }
}
