package dev.tcs.sidecar.lane;

/** Why a lane gave no decisive answer; the message names the region and says what happened. */
public final class LaneFailure extends RuntimeException {
  /** How the read failed. */
  public enum Kind {
    /** The lane was full; the read was never sent. */
    REJECTED,
    /** The region did not answer within the request timeout. */
    TIMEOUT,
    /** Connection failure, server error, 408/429, or an answer that broke the read API contract. */
    ERROR,
    /** Abandoned by the caller, e.g. because another region answered first. */
    CANCELLED
  }

  private final String region;
  private final Kind kind;

  public LaneFailure(String region, Kind kind, String detail) {
    super(region + ": " + detail, null, false, false);
    this.region = region;
    this.kind = kind;
  }

  public String region() {
    return region;
  }

  public Kind kind() {
    return kind;
  }
}
