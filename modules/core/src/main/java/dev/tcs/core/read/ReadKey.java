package dev.tcs.core.read;

import java.util.Objects;

/**
 * What a read looks up: one consumer's view by tenant id or by host name. The key of a region's
 * and a sidecar's cache and, through {@link #partitionKey()}, of a region's table. The consumer
 * is part of the key, so one consumer is never answered with another's slice.
 *
 * @param kind whether {@code id} is a tenant id or a host name
 * @param id the tenant id or host name, already validated
 * @param consumer the consumer (token subject) whose view is wanted
 */
public record ReadKey(Kind kind, String id, String consumer) {
  /** The two reads of the read API. */
  public enum Kind {
    TENANT("tenant#"),
    HOST("host#");

    private final String prefix;

    Kind(String prefix) {
      this.prefix = prefix;
    }
  }

  public ReadKey {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(consumer, "consumer");
  }

  public static ReadKey tenant(String tenantId, String consumer) {
    return new ReadKey(Kind.TENANT, tenantId, consumer);
  }

  public static ReadKey host(String host, String consumer) {
    return new ReadKey(Kind.HOST, host, consumer);
  }

  /** A region table's partition key: {@code tenant#<id>} or {@code host#<host>}; the consumer is the sort key. */
  public String partitionKey() {
    return kind.prefix + id;
  }
}
