package dev.tcs.sidecar.cache;

import java.util.Objects;

/**
 * What one cache entry answers: a tenant or host read, for one consumer. The consumer is part of
 * the key, so one consumer is never answered with another's slice.
 *
 * @param kind a tenant read or a host read
 * @param id the tenant id or the host name
 * @param consumer the token subject the slice is for
 */
public record CacheKey(Kind kind, String id, String consumer) {
  /** The two reads of the read API. */
  public enum Kind { TENANT, HOST }

  public CacheKey {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(consumer, "consumer");
  }

  public static CacheKey tenant(String tenantId, String consumer) {
    return new CacheKey(Kind.TENANT, tenantId, consumer);
  }

  public static CacheKey host(String host, String consumer) {
    return new CacheKey(Kind.HOST, host, consumer);
  }
}
