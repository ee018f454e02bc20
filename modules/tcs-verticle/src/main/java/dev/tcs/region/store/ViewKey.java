package dev.tcs.region.store;

import java.util.Objects;

/**
 * What a read looks up: one consumer's view by tenant id or by host name. Also the key of the
 * region's L1 cache and, through {@link #partitionKey()}, of the region's table.
 *
 * @param kind whether {@code id} is a tenant id or a host name
 * @param id the tenant id or host name, already validated
 * @param consumer the consumer (token subject) whose view is wanted
 */
public record ViewKey(Kind kind, String id, String consumer) {
  /** Which lookup key a read uses. */
  public enum Kind {
    TENANT("tenant#"),
    HOST("host#");

    private final String prefix;

    Kind(String prefix) {
      this.prefix = prefix;
    }
  }

  public ViewKey {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(consumer, "consumer");
  }

  public static ViewKey tenant(String tenantId, String consumer) {
    return new ViewKey(Kind.TENANT, tenantId, consumer);
  }

  public static ViewKey host(String host, String consumer) {
    return new ViewKey(Kind.HOST, host, consumer);
  }

  /** The table's partition key: {@code tenant#<id>} or {@code host#<host>}; the consumer is the sort key. */
  public String partitionKey() {
    return kind.prefix + id;
  }
}
