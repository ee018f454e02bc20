package dev.tcs.core.read;

import io.vertx.core.http.HttpHeaders;
import java.util.Locale;

/**
 * The read API every region and every sidecar serve identically (DESIGN.md "Read API"): its two
 * routes, their path parameters and the header names of an answer, in one place.
 *
 * <p>Every answer about a tenant, a 404 for a deleted tenant included, carries {@link #TENANT}
 * and {@link #VERSION} (and {@link #REVISION} when known), so any reader can rank two answers
 * with {@link Stamp#olderThan}. The header names come twice: as {@code String} for reading and
 * as Vert.x optimized lowercase {@code CharSequence} for writing on the hot path (HTTP/2 wants
 * lowercase names: Vert.x lowercases any other name into a new string on every {@code set}).
 */
public final class ReadApi {
  /** Path parameter of a tenant read. */
  public static final String TENANT_PARAM = "tenantId";

  /** Path parameter of a host read. */
  public static final String HOST_PARAM = "host";

  /** Route of a tenant read. */
  public static final String TENANT_ROUTE = "/v1/tenants/:" + TENANT_PARAM + "/context";

  /** Route of a host read; {@code :host} is a DNS name of the tenant. */
  public static final String HOST_ROUTE = "/v1/hosts/:" + HOST_PARAM + "/context";

  /** Route that exchanges a reader's bearer token for a session ({@link SessionRoute}). */
  public static final String SESSIONS_ROUTE = "/v1/sessions";

  /** The catalogue version the answer speaks of (a value's, or a tombstone's). */
  public static final String VERSION = "TCS-Version";

  /** The revision of the view definitions the answer was built with. */
  public static final String REVISION = "TCS-Revision";

  /** The region whose table the answer came from. */
  public static final String REGION = "TCS-Region";

  /** The tenant the answer is about (a host read learns it from here). */
  public static final String TENANT = "TCS-Tenant";

  /**
   * {@code true} on an answer a sidecar kept past its ttl (or restored from its snapshot) and gave
   * because no region answered; {@link #AGE} then says how old it is.
   */
  public static final String STALE = "TCS-Stale";

  /** Seconds since a region answered the value (RFC 9111 {@code Age}); sent with {@link #STALE}. */
  public static final String AGE = "Age";

  public static final String ETAG = "ETag";
  public static final String IF_NONE_MATCH = "If-None-Match";
  public static final String AUTHORIZATION = "Authorization";

  /** {@link #VERSION} for writing. */
  public static final CharSequence VERSION_HEADER = HttpHeaders.createOptimized(VERSION.toLowerCase(Locale.ROOT));

  /** {@link #REVISION} for writing. */
  public static final CharSequence REVISION_HEADER = HttpHeaders.createOptimized(REVISION.toLowerCase(Locale.ROOT));

  /** {@link #REGION} for writing. */
  public static final CharSequence REGION_HEADER = HttpHeaders.createOptimized(REGION.toLowerCase(Locale.ROOT));

  /** {@link #TENANT} for writing. */
  public static final CharSequence TENANT_HEADER = HttpHeaders.createOptimized(TENANT.toLowerCase(Locale.ROOT));

  /** {@link #STALE} for writing. */
  public static final CharSequence STALE_HEADER = HttpHeaders.createOptimized(STALE.toLowerCase(Locale.ROOT));

  /** {@link #AGE} for writing. */
  public static final CharSequence AGE_HEADER = HttpHeaders.createOptimized(AGE.toLowerCase(Locale.ROOT));

  /** The value of {@link #STALE} on a stale answer. */
  public static final CharSequence STALE_TRUE = HttpHeaders.createOptimized("true");

  private ReadApi() {}

  /** The path of a tenant read; {@code tenantId} must already be valid. */
  public static String tenantPath(String tenantId) {
    return "/v1/tenants/" + tenantId + "/context";
  }

  /** The path of a host read; {@code host} must already be valid. */
  public static String hostPath(String host) {
    return "/v1/hosts/" + host + "/context";
  }
}
