package dev.tcs.projector;

import io.vertx.core.Handler;

/**
 * How a rebuild runs and what it checks before it publishes (see {@link Projector#rebuild}).
 *
 * @param dryRun stage and compare only: report per consumer what would change, publish nothing
 * @param maxDropFraction fail if a consumer's live views would drop by more than this fraction
 *     of the live set (0..1; 1 disables the check)
 * @param maxRejected fail if more records than this are rejected as invalid (negative disables)
 * @param progress called about once a second on the rebuild's context, and once when caught up
 */
public record RebuildOptions(boolean dryRun, double maxDropFraction, long maxRejected, Handler<RebuildProgress> progress) {
  public static final double DEFAULT_MAX_DROP_FRACTION = 0.5;
  public static final long DEFAULT_MAX_REJECTED = 100;

  public RebuildOptions {
    if (!(maxDropFraction >= 0 && maxDropFraction <= 1)) {
      throw new IllegalArgumentException("max-drop-fraction must be within 0..1, but was " + maxDropFraction);
    }
    progress = progress == null ? p -> {} : progress;
  }

  /** Publishes after the default checks, reports progress nowhere. */
  public static RebuildOptions defaults() {
    return new RebuildOptions(false, DEFAULT_MAX_DROP_FRACTION, DEFAULT_MAX_REJECTED, null);
  }

  public RebuildOptions withProgress(Handler<RebuildProgress> handler) {
    return new RebuildOptions(dryRun, maxDropFraction, maxRejected, handler);
  }
}
