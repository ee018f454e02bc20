package dev.tcs.sidecar.lane;

import dev.tcs.sidecar.SidecarMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntUnaryOperator;
import java.util.function.Predicate;

/**
 * Asks the primary region and one secondary region at once (a {@link LanePicker} chooses them:
 * fixed by config, or {@link AdaptiveRouting} from measurements), and uses the first good
 * answer; the other read is cancelled. No failure has to be detected before the fallback starts:
 * it is already in flight.
 *
 * <p>An answer is good when it is a value or a 404 and the caller's {@code acceptable} test
 * passes (the cache says it is not older than what it already knows). Other decisive answers (a
 * 401/403 passed through, or a value older than known) are kept while the other region is still
 * out: if it then answers well, it wins; if not, the best kept answer is used: values and 404s
 * before other statuses, the highest version first. When no region answers at all, the result
 * fails with {@link NoRegionAnswered}.
 *
 * <p>Runs on the caller's context; the lanes hand their answers back there, so no state here is
 * shared between threads.
 */
public final class HedgedFetcher {
  private final LanePicker picker;
  private final SidecarMetrics metrics;

  /**
   * @param primary the lane asked on every miss
   * @param secondaries the lanes one of which is asked alongside it; may be empty
   * @param pick given n, an index in {@code [0, n)}: which secondary to ask
   * @param metrics where hedge wins are counted
   */
  public HedgedFetcher(Lane primary, List<? extends Lane> secondaries, IntUnaryOperator pick, SidecarMetrics metrics) {
    this(fixed(Objects.requireNonNull(primary, "primary"), List.copyOf(secondaries), pick), metrics);
  }

  /**
   * @param picker chooses the primary and the secondary of each read (see {@link AdaptiveRouting})
   * @param metrics where hedge wins are counted
   */
  public HedgedFetcher(LanePicker picker, SidecarMetrics metrics) {
    this.picker = Objects.requireNonNull(picker, "picker");
    this.metrics = metrics;
  }

  /** Always {@code primary}, and one of {@code secondaries} chosen by {@code pick}. */
  private static LanePicker fixed(Lane primary, List<Lane> secondaries, IntUnaryOperator pick) {
    return () -> secondaries.isEmpty() ? List.of(primary) : List.of(primary, secondaries.get(pick.applyAsInt(secondaries.size())));
  }

  /** As the main constructor, picking the secondary uniformly at random. */
  public HedgedFetcher(Lane primary, List<? extends Lane> secondaries, SidecarMetrics metrics) {
    this(primary, secondaries, n -> ThreadLocalRandom.current().nextInt(n), metrics);
  }

  /**
   * Starts the hedged read.
   *
   * @param request the read
   * @param acceptable true when a value or 404 may be used as soon as it arrives
   * @return the chosen answer, or a failure with {@link NoRegionAnswered}
   */
  public Future<RegionAnswer> fetch(RegionRequest request, Predicate<RegionAnswer> acceptable) {
    List<Lane> lanes = picker.pick();
    Hedge hedge = new Hedge(acceptable, lanes.size(), lanes.get(0).region());
    for (Lane lane : lanes) {
      if (!hedge.done) {
        hedge.start(lane, request);
      }
    }
    return hedge.result.future();
  }

  /** The state of one hedged read. */
  private final class Hedge {
    private final Predicate<RegionAnswer> acceptable;
    private final Promise<RegionAnswer> result = Promise.promise();
    private final List<LaneCall> calls = new ArrayList<>(2);
    private final List<RegionAnswer> kept = new ArrayList<>(2);
    private final List<String> failures = new ArrayList<>(2);
    private final String primary;
    private int pending;
    private boolean done;

    Hedge(Predicate<RegionAnswer> acceptable, int lanes, String primary) {
      this.acceptable = acceptable;
      this.pending = lanes;
      this.primary = primary;
    }

    void start(Lane lane, RegionRequest request) {
      LaneCall call = lane.call(request);
      calls.add(call);
      call.answer().onComplete(done -> {
        if (done.succeeded()) {
          onAnswer(lane, call, done.result());
        } else {
          onFailure(lane, done.cause());
        }
      });
    }

    private void onAnswer(Lane lane, LaneCall call, RegionAnswer answer) {
      if (done) {
        return;
      }
      pending--;
      if (answer.isSuccess() && acceptable.test(answer)) {
        win(lane.region(), answer);
        for (LaneCall other : calls) {
          if (other != call) {
            other.cancel();
          }
        }
        return;
      }
      kept.add(answer);
      settleIfLast();
    }

    private void onFailure(Lane lane, Throwable cause) {
      if (done) {
        return;
      }
      pending--;
      failures.add(cause instanceof LaneFailure ? cause.getMessage() : lane.region() + ": " + cause);
      settleIfLast();
    }

    private void settleIfLast() {
      if (pending > 0) {
        return;
      }
      if (kept.isEmpty()) {
        done = true;
        result.fail(new NoRegionAnswered(failures));
        return;
      }
      RegionAnswer best =
          kept.stream()
              .max(Comparator.comparing(RegionAnswer::isSuccess).thenComparingLong(RegionAnswer::version))
              .orElseThrow();
      win(best.lane(), best);
    }

    private void win(String region, RegionAnswer answer) {
      done = true;
      metrics.hedgeWin(region, region.equals(primary));
      result.complete(answer);
    }
  }
}
