package dev.tcs.sidecar;

/**
 * The read API the sidecar serves and asks the regions for (DESIGN.md "Read API"): paths and
 * header names, in one place.
 */
public final class ReadApi {
  /** Route of a tenant read; {@code :tenantId} is the tenant. */
  public static final String TENANT_ROUTE = "/v1/tenants/:tenantId/context";

  /** Route of a host read; {@code :host} is a DNS name of the tenant. */
  public static final String HOST_ROUTE = "/v1/hosts/:host/context";

  /** The catalogue version the answer reflects. */
  public static final String VERSION = "TCS-Version";

  /** The revision of the view definitions the value was built with. */
  public static final String REVISION = "TCS-Revision";

  /** The region whose table the value came from. */
  public static final String REGION = "TCS-Region";

  /** The tenant the answer is about (a host read learns it from here). */
  public static final String TENANT = "TCS-Tenant";

  public static final String ETAG = "ETag";
  public static final String IF_NONE_MATCH = "If-None-Match";
  public static final String AUTHORIZATION = "Authorization";

  private ReadApi() {}

  public static String tenantPath(String tenantId) {
    return "/v1/tenants/" + tenantId + "/context";
  }

  public static String hostPath(String host) {
    return "/v1/hosts/" + host + "/context";
  }
}
