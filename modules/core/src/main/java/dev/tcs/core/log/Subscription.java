package dev.tcs.core.log;

import io.vertx.core.Future;

/** A running subscription; {@link #close} commits what was processed and leaves the group. */
public interface Subscription {
  Future<Void> close();
}
