package dev.tcs.core.auth;

import java.util.Set;

/**
 * Who a verified token speaks for: its subject (a consumer name, or a writer's identity) and roles.
 *
 * @param expiresAtEpochSecond when the token stops being valid
 */
public record Principal(String subject, Set<String> roles, long expiresAtEpochSecond) {
  /** May write to the catalogue. */
  public static final String WRITER = "writer";

  /** May read its own views from a region or a sidecar. */
  public static final String READER = "reader";

  /** May operate a component: e.g. inject faults through a region's chaos controls. */
  public static final String ADMIN = "admin";

  public Principal {
    roles = Set.copyOf(roles);
  }

  public boolean has(String role) {
    return roles.contains(role);
  }
}
