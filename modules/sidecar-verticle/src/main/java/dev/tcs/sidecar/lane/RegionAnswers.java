package dev.tcs.sidecar.lane;

import static dev.tcs.core.model.ValidationException.quote;

import dev.tcs.core.model.TenantIds;
import dev.tcs.core.read.ETags;
import dev.tcs.core.read.ReadApi;
import dev.tcs.core.read.Stamp;
import dev.tcs.sidecar.SidecarConfig;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.regex.Pattern;

/**
 * Checks a region's HTTP answer against the read API contract, where it enters the sidecar. A
 * value must carry a positive {@code TCS-Version} and a valid {@code TCS-Tenant} (the one asked
 * for, on a tenant read); anything else that would be cached is refused as a lane error, so the
 * other region's answer is used.
 */
final class RegionAnswers {
  /** A view is at most 64 KiB of document; leave room for encoding, never hold more. */
  static final int MAX_BODY_BYTES = 256 * 1024;

  private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,17}");
  private static final Pattern REVISION = Pattern.compile("[0-9]{1,18}");
  private static final Pattern REGION = Pattern.compile(SidecarConfig.REGION_RULE);
  private static final Pattern ETAG = Pattern.compile("(W/)?\"[\\x21\\x23-\\x7e]{1,128}\"");

  private RegionAnswers() {}

  /**
   * True when the status means "ask someone else" rather than an answer about the read: only 200
   * and client errors other than 408 and 429 are answers.
   */
  static boolean isFailure(int status) {
    boolean clientError = status >= 400 && status < 500 && status != 408 && status != 429;
    return status != 200 && !clientError;
  }

  /**
   * Turns a response into an answer, or throws a {@link LaneFailure} of kind ERROR saying what
   * was wrong with it.
   */
  static RegionAnswer read(String region, RegionRequest request, int status, MultiMap headers, Buffer body) {
    if (isFailure(status)) {
      throw new LaneFailure(region, LaneFailure.Kind.ERROR, "answered status " + status);
    }
    if (body.length() > MAX_BODY_BYTES) {
      throw new LaneFailure(region, LaneFailure.Kind.ERROR, "answered a body of " + body.length() + " bytes, more than " + MAX_BODY_BYTES);
    }
    String servedBy = headers.get(ReadApi.REGION);
    if (servedBy == null || !REGION.matcher(servedBy).matches()) {
      servedBy = region;
    }
    String contentType = headers.get("Content-Type");
    String revisionHeader = headers.get(ReadApi.REVISION);
    long revision = revisionHeader != null && REVISION.matcher(revisionHeader).matches() ? Long.parseLong(revisionHeader) : Stamp.UNKNOWN_REVISION;
    if (status == 200) {
      long version = version(region, headers.get(ReadApi.VERSION), true);
      String tenant = headers.get(ReadApi.TENANT);
      if (!TenantIds.isValid(tenant)) {
        throw new LaneFailure(region, LaneFailure.Kind.ERROR, ReadApi.TENANT + " must match " + TenantIds.RULE + " on a value");
      }
      if (request.expectedTenant() != null && !request.expectedTenant().equals(tenant)) {
        throw new LaneFailure(region, LaneFailure.Kind.ERROR, "answered tenant " + quote(tenant) + " to a read of '" + request.expectedTenant() + "'");
      }
      String etag = headers.get(ReadApi.ETAG);
      if (etag == null || !ETAG.matcher(etag).matches()) {
        etag = ETags.of(new Stamp(version, revision));
      }
      return new RegionAnswer(region, 200, version, revision, tenant, etag, servedBy, contentType == null ? "application/json" : contentType, body);
    }
    long version = status == 404 ? version(region, headers.get(ReadApi.VERSION), false) : 0;
    String tenant = headers.get(ReadApi.TENANT);
    if (!TenantIds.isValid(tenant) || (request.expectedTenant() != null && !request.expectedTenant().equals(tenant))) {
      tenant = request.expectedTenant();
    }
    if (tenant == null || version == 0) {
      version = 0; // a version means nothing without the tenant it counts for
      revision = Stamp.UNKNOWN_REVISION;
    }
    return new RegionAnswer(
        region, status, version, revision, tenant, null, servedBy, contentType == null ? "application/problem+json" : contentType, body);
  }

  private static long version(String region, String header, boolean required) {
    if (header != null && VERSION.matcher(header).matches()) {
      return Long.parseLong(header);
    }
    if (required) {
      throw new LaneFailure(region, LaneFailure.Kind.ERROR, ReadApi.VERSION + " must be a positive integer on a value, but was " + quote(header));
    }
    return 0;
  }
}
