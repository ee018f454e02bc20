package dev.tcs.catalogue.command;

import java.util.Locale;

/** What a write did to a tenant. */
public enum Change {
  CREATED,
  UPDATED,
  DELETED,
  RESTORED,
  /** The write asked for what is already the current state: no new version. */
  UNCHANGED;

  /** {@code created}, {@code updated}, {@code deleted}, {@code restored}, {@code unchanged}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
