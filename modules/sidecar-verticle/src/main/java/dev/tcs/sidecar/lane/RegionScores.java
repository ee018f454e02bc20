package dev.tcs.sidecar.lane;

import dev.tcs.core.retry.Backoff;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;
import java.util.function.LongSupplier;

/**
 * What the sidecar has measured of each region, and the choice of regions for the next miss.
 *
 * <p>Each region has a latency EWMA of its answers and a count of consecutive failures. A read
 * abandoned because the other region answered first is a censored sample: the loser would have
 * taken longer than the {@code t} it had run, so it counts as {@value #LOST_RACE_FACTOR}{@code  t}.
 * Without this a slow region that always loses its race would never be measured as slow; with it
 * the ranking follows who wins the hedges. After {@code ejectAfter} failures in a row the
 * region is ejected for {@code ejectBase}, doubled on every further ejection up to
 * {@code ejectMax} (core {@link Backoff}, without jitter: one sidecar's single probe is no herd).
 * Once that has passed it is probed: asked as the secondary of one read at a
 * time; an answer brings it back (and resets its back-off), a failure ejects it again, for longer.
 *
 * <p>The primary is the healthy region with the lowest EWMA; a region not yet measured ranks
 * first so it gets measured, one whose latest read failed ranks last, and ties go to the
 * configured order (the configured primary first). To
 * avoid flapping the primary changes only when it is ejected or another region's EWMA is below
 * {@value #SWITCH_RATIO} of its own. The secondary is a random other healthy region, or the
 * region due for a probe. When every region is ejected, the one whose ejection ends first is
 * still asked: there is nothing better to do; such a read is not a probe (a failure leaves its
 * back-off as it is, an answer brings the region back).
 *
 * <p>Thread-safe (synchronized; each call is a few comparisons). Time comes from the injected
 * nano clock.
 */
public final class RegionScores {
  /** Smoothing of the latency EWMA: the weight of the newest sample. */
  static final double ALPHA = 0.3;
  /** Another region takes over as primary when its EWMA is below this share of the primary's. */
  static final double SWITCH_RATIO = 0.8;
  /** An abandoned read (a lost race after t) counts as this many times t. */
  static final double LOST_RACE_FACTOR = 2.0;

  private final Map<String, Score> scores = new LinkedHashMap<>();
  private final int ejectAfter;
  private final Backoff ejection;
  private final LongSupplier nanoClock;
  private final IntUnaryOperator random;
  private final EjectionListener onEject;
  private String primary;

  /** Told when a region is ejected (for a counter and a log line). */
  @FunctionalInterface
  public interface EjectionListener {
    void ejected(String region, int consecutiveFailures, long forNanos);
  }

  /** One region's measurements. */
  private static final class Score {
    final String region;
    double ewmaNanos = Double.NaN;
    int failures;
    int ejections;
    long ejectedUntil;
    boolean ejected;
    boolean probing;

    Score(String region) {
      this.region = region;
    }
  }

  /** The choice for one read. */
  public record Choice(String primary, String secondary) {}

  /**
   * @param regions every region, in configured order, the configured primary first
   * @param random given n, an index in [0, n): which healthy secondary to ask
   */
  public RegionScores(
      List<String> regions, RoutingSettings settings, LongSupplier nanoClock, IntUnaryOperator random, EjectionListener onEject) {
    if (regions.isEmpty()) {
      throw new IllegalArgumentException("regions must not be empty");
    }
    regions.forEach(region -> scores.put(region, new Score(region)));
    this.ejectAfter = settings.ejectAfter();
    this.ejection = new Backoff(settings.ejectBase(), settings.ejectMax(), 0);
    this.nanoClock = nanoClock;
    this.random = random;
    this.onEject = onEject;
    this.primary = regions.get(0);
  }

  /** The region answered after {@code nanos}. */
  public synchronized void answered(String region, long nanos) {
    Score score = scores.get(region);
    sample(score, nanos);
    score.failures = 0;
    score.probing = false;
    if (score.ejected) {
      score.ejected = false;
      score.ejections = 0;
    }
  }

  /** The region failed (error or timeout). */
  public synchronized void failed(String region) {
    Score score = scores.get(region);
    score.failures++;
    boolean probeFailed = score.probing;
    score.probing = false;
    if (probeFailed || (!score.ejected && score.failures >= ejectAfter)) {
      eject(score);
    }
  }

  /** The read was abandoned after {@code nanos} because another region answered first. */
  public synchronized void abandoned(String region, long nanos) {
    Score score = scores.get(region);
    score.probing = false;
    sample(score, (long) (LOST_RACE_FACTOR * nanos));
  }

  /** The regions to ask for the next miss. */
  public synchronized Choice choose() {
    long now = nanoClock.getAsLong();
    List<Score> healthy = new ArrayList<>();
    Score dueProbe = null;
    for (Score score : scores.values()) {
      if (!score.ejected) {
        healthy.add(score);
      } else if (now - score.ejectedUntil >= 0 && !score.probing && dueProbe == null) {
        dueProbe = score;
      }
    }
    if (healthy.isEmpty()) {
      if (dueProbe != null) {
        dueProbe.probing = true;
        return new Choice(dueProbe.region, null);
      }
      // Asked, but not as a probe: its failure must not eject it again (every read while all are
      // ejected would double the back-off, up to eject-max, before any probe was due); an answer
      // still brings it back at once.
      Score soonest = scores.values().stream().min((a, b) -> Long.compare(a.ejectedUntil - now, b.ejectedUntil - now)).orElseThrow();
      return new Choice(soonest.region, null);
    }
    Score first = best(healthy);
    primary = first.region;
    String secondary;
    if (dueProbe != null) {
      dueProbe.probing = true;
      secondary = dueProbe.region;
    } else {
      List<Score> others = healthy.stream().filter(s -> s != first).toList();
      secondary = others.isEmpty() ? null : others.get(random.applyAsInt(others.size())).region;
    }
    return new Choice(first.region, secondary);
  }

  /** The region that was primary in the latest choice. */
  public synchronized String primary() {
    return primary;
  }

  /** The latency EWMA of {@code region} in nanoseconds, NaN before its first sample. */
  public synchronized double ewmaNanos(String region) {
    return scores.get(region).ewmaNanos;
  }

  /** True while {@code region} is ejected (its probe included). */
  public synchronized boolean ejected(String region) {
    return scores.get(region).ejected;
  }

  private Score best(List<Score> healthy) {
    Score current = scores.get(primary);
    Score best = null;
    for (Score score : healthy) {
      if (best == null || rank(score) < rank(best)) {
        best = score; // strict: ties keep the earlier (configured) region
      }
    }
    if (current != null && !current.ejected && current.failures == 0 && best != current
        && !Double.isNaN(current.ewmaNanos) && !Double.isNaN(best.ewmaNanos)
        && best.ewmaNanos >= SWITCH_RATIO * current.ewmaNanos) {
      return current; // not enough better to switch
    }
    return best;
  }

  /** Unmeasured regions first, then by EWMA; a region whose last read failed last of all. */
  private static double rank(Score score) {
    if (score.failures > 0) {
      return Double.MAX_VALUE;
    }
    return Double.isNaN(score.ewmaNanos) ? -1 : score.ewmaNanos;
  }

  private static void sample(Score score, long nanos) {
    score.ewmaNanos = Double.isNaN(score.ewmaNanos) ? nanos : ALPHA * nanos + (1 - ALPHA) * score.ewmaNanos;
  }

  private void eject(Score score) {
    long backoff = TimeUnit.MILLISECONDS.toNanos(ejection.delayMillis(score.ejections));
    score.ejected = true;
    score.ejections++;
    score.ejectedUntil = nanoClock.getAsLong() + backoff;
    onEject.ejected(score.region, score.failures, backoff);
  }
}
