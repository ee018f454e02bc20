package dev.tcs.launcher.drill;

import dev.tcs.launcher.drill.Drill.PhaseResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/** Turns a phase's stats into a {@link PhaseResult} with its verdict, and formats results as lines. */
final class Report {
  private static final String FORMAT = "%-24s %8s %6s %8s %8s %8s %6s %6s %10s %5s  %s";

  private Report() {}

  /** Late writes described in full (each target's millis), at most this many per phase. */
  private static final int LATE_SAMPLES = 3;

  static PhaseResult result(PhaseStats stats, SidecarScrape.Reads sidecarReads, List<Freshness.Seen> freshness, DrillSettings settings) {
    Histogram latency = stats.latency.copy();
    long target = settings.freshnessTarget().toMillis();
    long worst = freshness.stream().mapToLong(Freshness.Seen::millis).max().orElse(0);
    List<Freshness.Seen> lateOnes = freshness.stream().filter(seen -> seen.millis() < 0 || seen.millis() > target).toList();
    int late = lateOnes.size();
    if (freshness.stream().anyMatch(seen -> seen.millis() < 0)) {
      worst = -1;
    }
    Map<String, Long> lateAt = new TreeMap<>();
    lateOnes.forEach(seen -> lateAt.merge(seen.slowest(), 1L, Long::sum));
    List<String> lateSamples = lateOnes.stream().limit(LATE_SAMPLES).map(Freshness.Seen::toString).toList();
    Map<String, Long> errors = stats.errorKinds();
    long errorCount = errors.values().stream().mapToLong(Long::longValue).sum();
    long regressions = stats.regressions.sum();
    boolean passed = !stats.judged || errorCount == 0 && regressions == 0 && late == 0;
    boolean clean = errorCount == 0 && regressions == 0 && late == 0;
    return new PhaseResult(
        stats.name,
        stats.faultDescription,
        stats.requests.sum(),
        stats.shed.sum(),
        errors,
        millis(latency, 50),
        millis(latency, 99),
        millis(latency, 99.9),
        sidecarReads.hitRatio(),
        freshness.size(),
        worst,
        late,
        lateAt,
        lateSamples,
        regressions,
        stats.regressionSamples(),
        stats.excusedKinds(),
        passed,
        stats.judged ? (passed ? "ok" : "FAIL") : (clean ? "ok (not judged)" : "- (not judged)"));
  }

  private static double millis(Histogram histogram, double percentile) {
    return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getValueAtPercentile(percentile) / 1000.0;
  }

  /** A phase the system could not run, in the table's columns. */
  static String skipped(String phase, String reason) {
    return String.format(FORMAT, phase, "-", "-", "-", "-", "-", "-", "-", "-", "-", "skipped: " + reason);
  }

  static String header() {
    return String.format(FORMAT, "phase", "requests", "errors", "p50 ms", "p99 ms", "p99.9 ms", "hit %", "writes", "fresh ms", "regr", "verdict");
  }

  static String line(PhaseResult r) {
    return String.format(
        FORMAT,
        r.name(),
        r.requests(),
        r.errorCount(),
        fixed(r.p50()),
        fixed(r.p99()),
        fixed(r.p999()),
        Double.isNaN(r.hitRatio()) ? "-" : String.format("%.1f", 100 * r.hitRatio()),
        r.writes(),
        r.writes() == 0 ? "-" : r.freshnessMaxMs() < 0 ? "never" : Long.toString(r.freshnessMaxMs()),
        r.regressions(),
        r.verdict());
  }

  /** The fault, and what went wrong if anything: error kinds, late writes, regression samples, shed reads. */
  static List<String> details(PhaseResult r) {
    List<String> lines = new ArrayList<>();
    lines.add("    fault: " + r.fault());
    r.errors().forEach((kind, count) -> lines.add("    error x" + count + ": " + kind));
    r.excused().forEach((kind, count) -> lines.add("    not counted x" + count + ": " + kind));
    if (r.lateWrites() > 0) {
      lines.add("    " + r.lateWrites() + " of " + r.writes() + " writes not visible everywhere within the target after the fault cleared; last seen at: " + r.lateAt());
      r.lateSamples().forEach(sample -> lines.add("    late write, ms per target: " + sample));
    }
    r.regressionSamples().forEach(sample -> lines.add("    regression: " + sample));
    if (r.shed() > 0) {
      lines.add("    " + r.shed() + " reads not sent: the load generator already held its maximum in flight");
    }
    return lines;
  }

  static String summary(List<PhaseResult> results, List<Long> heapMb, boolean memoryFlat, DrillSettings settings, boolean passed) {
    StringBuilder out = new StringBuilder();
    long requests = results.stream().mapToLong(PhaseResult::requests).sum();
    long errors = results.stream().mapToLong(PhaseResult::errorCount).sum();
    long regressions = results.stream().mapToLong(PhaseResult::regressions).sum();
    int writes = results.stream().mapToInt(PhaseResult::writes).sum();
    int late = results.stream().mapToInt(PhaseResult::lateWrites).sum();
    long excused = results.stream().mapToLong(r -> r.excused().values().stream().mapToLong(Long::longValue).sum()).sum();
    out.append(String.format("total: %d reads, %d client-visible errors, %d regressions, %d writes, %d late%n", requests, errors, regressions, writes, late));
    if (excused > 0) {
      out.append(String.format(
          "not counted: %d failed reads of tenants written since the sidecar last answered them, while no region answered (it held no current copy)%n", excused));
    }
    if (!heapMb.isEmpty()) {
      String verdict = heapMb.size() < 3 ? "too few rounds to judge (3 needed)" : memoryFlat ? "flat" : "GROWING";
      out.append(String.format("heap used after GC per round (MB): %s; growth limit %d MB over the rounds after the first: %s%n", heapMb, settings.memoryGrowthLimitMb(), verdict));
    }
    List<String> failed = results.stream().filter(r -> !r.passed()).map(PhaseResult::name).distinct().toList();
    out.append(passed ? "drill PASSED" : "drill FAILED" + (failed.isEmpty() ? "" : ": " + String.join(", ", failed)));
    return out.toString();
  }

  private static String fixed(double millis) {
    return Double.isNaN(millis) ? "-" : String.format("%.2f", millis);
  }
}
