package dev.tcs.core.model;

import java.util.Locale;

/** What a catalogue event did to a tenant. */
public enum EventType {
  CREATED,
  UPDATED,
  DELETED,
  RESTORED;

  /** The wire name: {@code created}, {@code updated}, {@code deleted}, {@code restored}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static EventType fromWire(String field, String value) {
    if (value != null) {
      for (EventType type : values()) {
        if (type.wireName().equals(value)) {
          return type;
        }
      }
    }
    throw new ValidationException(
        field, field + " must be one of created|updated|deleted|restored, but was " + ValidationException.quote(value));
  }
}
