package dev.tcs.core.log;

import io.vertx.core.Future;

/**
 * A running subscription; {@link #close} commits what was processed and leaves the group. Records
 * handed to the handler but not finished by then are handled again by the next subscriber of
 * the group (at least once). The returned future fails only if the consumer could not be closed;
 * a failed final commit is logged and means more of those repeats.
 */
public interface Subscription {
  Future<Void> close();
}
