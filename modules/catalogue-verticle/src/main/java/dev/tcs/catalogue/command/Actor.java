package dev.tcs.catalogue.command;

import java.util.Objects;

/**
 * Who asked for a write, recorded in every event it causes.
 *
 * @param subject the subject of the writer's token
 * @param requestId the id of the HTTP request
 */
public record Actor(String subject, String requestId) {
  public Actor {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(requestId, "requestId");
  }
}
