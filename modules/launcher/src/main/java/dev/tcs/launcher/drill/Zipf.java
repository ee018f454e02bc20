package dev.tcs.launcher.drill;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Draws ranks 0..n-1 with Zipf's law of exponent {@code s} (rank k with weight 1/(k+1)^s), by
 * binary search in the cumulative distribution. Written here (a few lines) rather than pulling in
 * a statistics library. Thread-safe when the random generator given to {@link #next} is. Public for
 * the hit-ratio benchmark in modules/bench, which draws its reads the same way.
 */
public final class Zipf {
  private final double[] cumulative;

  public Zipf(int n, double s) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be at least 1, but was " + n);
    }
    cumulative = new double[n];
    double sum = 0;
    for (int k = 0; k < n; k++) {
      sum += 1 / Math.pow(k + 1, s);
      cumulative[k] = sum;
    }
    for (int k = 0; k < n; k++) {
      cumulative[k] /= sum;
    }
  }

  public int next(RandomGenerator random) {
    int i = Arrays.binarySearch(cumulative, random.nextDouble());
    int rank = i >= 0 ? i : -i - 1;
    return Math.min(rank, cumulative.length - 1);
  }

  /** The probability of rank {@code k}. */
  public double probability(int k) {
    return k == 0 ? cumulative[0] : cumulative[k] - cumulative[k - 1];
  }
}
