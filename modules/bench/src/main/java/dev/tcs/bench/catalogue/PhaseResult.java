package dev.tcs.bench.catalogue;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.HdrHistogram.Histogram;

/**
 * What one measured phase did.
 *
 * @param name the phase
 * @param concurrency operations in flight
 * @param ok operations that succeeded inside the measured window
 * @param errors operations that failed inside it
 * @param window the measured window
 * @param latencies latency of every recorded operation, in microseconds
 */
public record PhaseResult(String name, int concurrency, long ok, long errors, Duration window, Histogram latencies) {
  /** Successful operations per second over the window. */
  public double throughput() {
    return ok / (window.toNanos() / 1e9);
  }

  public double p50Millis() {
    return latencies.getValueAtPercentile(50) / 1000.0;
  }

  public double p99Millis() {
    return latencies.getValueAtPercentile(99) / 1000.0;
  }

  public double maxMillis() {
    return latencies.getMaxValue() / 1000.0;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("opsPerSecond", round(throughput()))
        .put("p50Ms", round(p50Millis()))
        .put("p99Ms", round(p99Millis()))
        .put("maxMs", round(maxMillis()))
        .put("ok", ok)
        .put("errors", errors);
  }

  @Override
  public String toString() {
    return String.format(
        "%-28s %8.0f ops/s   p50 %7.2f ms   p99 %7.2f ms   max %7.2f ms   ok %d   errors %d",
        name, throughput(), p50Millis(), p99Millis(), maxMillis(), ok, errors);
  }

  static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }
}
