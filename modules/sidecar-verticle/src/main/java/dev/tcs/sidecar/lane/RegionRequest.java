package dev.tcs.sidecar.lane;

import java.util.Objects;

/**
 * One read to ask a region: a path of the read API and the caller's credentials.
 *
 * @param path the path to append to the region's base URL, e.g. {@code /v1/tenants/acme/context}
 * @param expectedTenant the tenant a tenant read asks for (a region's answer must name it), or
 *     null for a host read
 * @param authorization the application's {@code Authorization} header, forwarded as is
 * @param requestId the request id, forwarded as {@code X-Request-Id}
 */
public record RegionRequest(String path, String expectedTenant, String authorization, String requestId) {
  public RegionRequest {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(authorization, "authorization");
  }
}
