package dev.tcs.launcher.drill;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the sidecar's {@code /metrics}: its reads by outcome ({@code tcs_sidecar_reads_total}) and
 * the region adaptive routing chose as primary ({@code tcs_sidecar_primary}). Blocking: call from
 * the drill's thread, never an event loop.
 */
final class SidecarScrape {
  private static final Pattern READS = Pattern.compile("^tcs_sidecar_reads_total\\{([^}]*)}\\s+(\\S+)", Pattern.MULTILINE);
  private static final Pattern PRIMARY = Pattern.compile("^tcs_sidecar_primary\\{([^}]*)}\\s+(\\S+)", Pattern.MULTILINE);
  private static final Pattern CACHE_SIZE = Pattern.compile("^tcs_sidecar_cache_size(?:\\{[^}]*})?\\s+(\\S+)", Pattern.MULTILINE);
  private static final Pattern OUTCOME = Pattern.compile("outcome=\"([^\"]*)\"");
  private static final Pattern REGION = Pattern.compile("region=\"([^\"]*)\"");

  /** Reads answered by outcome (hit, miss, stale, error) since the sidecar started. */
  record Reads(Map<String, Double> byOutcome) {
    static final Reads ZERO = new Reads(Map.of());

    double get(String outcome) {
      return byOutcome.getOrDefault(outcome, 0.0);
    }

    /** This minus {@code before}, per outcome. */
    Reads since(Reads before) {
      Map<String, Double> delta = new HashMap<>();
      byOutcome.forEach((k, v) -> delta.put(k, v - before.get(k)));
      return new Reads(delta);
    }

    Reads plus(Reads other) {
      Map<String, Double> sum = new HashMap<>(byOutcome);
      other.byOutcome.forEach((k, v) -> sum.merge(k, v, Double::sum));
      return new Reads(sum);
    }

    /** Hits over all reads, or NaN when there were none. */
    double hitRatio() {
      double all = byOutcome.values().stream().mapToDouble(Double::doubleValue).sum();
      return all == 0 ? Double.NaN : get("hit") / all;
    }
  }

  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private final Http http;
  private final String sidecar;

  SidecarScrape(Http http, String sidecar) {
    this.http = http;
    this.sidecar = sidecar;
  }

  /**
   * The sidecar's metrics page, retried for up to {@link #PATIENCE}: a sidecar process just
   * restarted, on a loaded box, can take longer than two 5 s attempts to answer (one drill under
   * {@code tcs up} at load average 59 ended there).
   */
  private String metrics() {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    RuntimeException failure;
    do {
      try {
        Http.Answer answer = http.control("GET", sidecar + "/metrics", null, null, Duration.ofSeconds(5));
        if (answer.status() == 200) {
          return answer.body().toString();
        }
        failure = new IllegalStateException("sidecar /metrics answered " + answer.status());
      } catch (UncheckedIOException e) {
        failure = e;
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted reading the sidecar's /metrics", e);
      }
    } while (System.nanoTime() < deadline);
    throw new IllegalStateException("sidecar " + sidecar + "/metrics did not answer 200 within " + PATIENCE.toSeconds() + " s", failure);
  }

  Reads reads() {
    Map<String, Double> byOutcome = new HashMap<>();
    Matcher m = READS.matcher(metrics());
    while (m.find()) {
      Matcher outcome = OUTCOME.matcher(m.group(1));
      if (outcome.find()) {
        byOutcome.merge(outcome.group(1), Double.parseDouble(m.group(2)), Double::sum);
      }
    }
    return new Reads(byOutcome);
  }

  /** Entries the sidecar's cache holds now (after a restart: what it restored from its snapshot), or -1 when not published. */
  long cacheSize() {
    Matcher m = CACHE_SIZE.matcher(metrics());
    return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
  }

  /** The region adaptive routing has chosen as primary now, or {@code fallback} when none is marked. */
  String primary(String fallback) {
    Matcher m = PRIMARY.matcher(metrics());
    while (m.find()) {
      Matcher region = REGION.matcher(m.group(1));
      if (Double.parseDouble(m.group(2)) >= 1 && region.find()) {
        return region.group(1);
      }
    }
    return fallback;
  }
}
