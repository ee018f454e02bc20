package dev.tcs.sidecar.lane;

import java.util.List;

/** Chooses the lanes of one hedged read: the primary first, then at most one secondary. */
@FunctionalInterface
public interface LanePicker {
  /** One or two lanes, never empty; the first is the primary. */
  List<Lane> pick();
}
