package dev.tcs.sidecar.lane;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;

/** A lane whose calls the test completes by hand. */
public final class FakeLane implements Lane {
  private final String region;
  private final List<Call> calls = new ArrayList<>();

  public FakeLane(String region) {
    this.region = region;
  }

  @Override
  public String region() {
    return region;
  }

  @Override
  public LaneCall call(RegionRequest request) {
    Call call = new Call(request);
    calls.add(call);
    return call;
  }

  public List<Call> calls() {
    return calls;
  }

  /** The latest call. */
  public Call last() {
    if (calls.isEmpty()) {
      throw new AssertionError("lane " + region + " was never called");
    }
    return calls.get(calls.size() - 1);
  }

  /** One call; {@link #answer(RegionAnswer)} or {@link #fail(LaneFailure.Kind)} ends it. */
  public final class Call implements LaneCall {
    private final RegionRequest request;
    private final Promise<RegionAnswer> promise = Promise.promise();
    private boolean cancelled;

    Call(RegionRequest request) {
      this.request = request;
    }

    public RegionRequest request() {
      return request;
    }

    public boolean cancelled() {
      return cancelled;
    }

    public void answer(RegionAnswer answer) {
      promise.tryComplete(answer);
    }

    public void fail(LaneFailure.Kind kind) {
      promise.tryFail(new LaneFailure(region, kind, kind.name().toLowerCase()));
    }

    @Override
    public Future<RegionAnswer> answer() {
      return promise.future();
    }

    @Override
    public void cancel() {
      cancelled = true;
      promise.tryFail(new LaneFailure(region, LaneFailure.Kind.CANCELLED, "cancelled"));
    }
  }
}
