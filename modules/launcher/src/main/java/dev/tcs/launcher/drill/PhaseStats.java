package dev.tcs.launcher.drill;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What the load saw during one phase: reads are counted in the phase they were sent in, writes in
 * the phase they were made in. Thread-safe.
 */
final class PhaseStats {
  final String name;
  volatile String faultDescription = "none";
  /** False for the warm-up: its figures are printed but do not decide the drill. */
  volatile boolean judged = true;
  final LongAdder requests = new LongAdder();
  final LongAdder shed = new LongAdder();
  final LongAdder regressions = new LongAdder();
  /** Reads sent in this phase and not answered yet. */
  final LongAdder inFlight = new LongAdder();
  final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  /** Failed reads the sidecar could not have answered (see {@link ReadLoad}): reported, not errors. */
  final Map<String, LongAdder> excused = new ConcurrentHashMap<>();
  /** Read latency in microseconds, up to a minute. */
  final Histogram latency = new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(1), 3);
  /** Completes with the {@link System#nanoTime()} at which the phase's fault cleared. */
  final Promise<Long> cleared = Promise.promise();
  private final List<Future<Freshness.Seen>> freshness = new ArrayList<>();
  private final List<String> regressionSamples = new ArrayList<>();

  PhaseStats(String name) {
    this.name = name;
  }

  void error(String kind) {
    errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
  }

  void excused(String kind) {
    excused.computeIfAbsent(kind, k -> new LongAdder()).increment();
  }

  Map<String, Long> excusedKinds() {
    Map<String, Long> kinds = new TreeMap<>();
    excused.forEach((kind, count) -> kinds.put(kind, count.sum()));
    return kinds;
  }

  long errorCount() {
    return errors.values().stream().mapToLong(LongAdder::sum).sum();
  }

  Map<String, Long> errorKinds() {
    Map<String, Long> kinds = new TreeMap<>();
    errors.forEach((kind, count) -> kinds.put(kind, count.sum()));
    return kinds;
  }

  void regression(String tenant, long floor, long seen) {
    regressions.increment();
    synchronized (regressionSamples) {
      if (regressionSamples.size() < 5) {
        regressionSamples.add(tenant + " answered v" + seen + " after v" + floor);
      }
    }
  }

  List<String> regressionSamples() {
    synchronized (regressionSamples) {
      return List.copyOf(regressionSamples);
    }
  }

  /** A write's freshness: millis until visible everywhere after the fault cleared, or -1 if it never was. */
  void freshness(Future<Freshness.Seen> seen) {
    synchronized (freshness) {
      freshness.add(seen);
    }
  }

  List<Future<Freshness.Seen>> freshness() {
    synchronized (freshness) {
      return List.copyOf(freshness);
    }
  }
}
