package dev.tcs.sidecar.cache;

import dev.tcs.core.read.HitHeaders;
import dev.tcs.sidecar.lane.RegionAnswer;
import io.vertx.core.buffer.Buffer;

/**
 * A fresh cached value, ready to write: its prepared headers ({@code ETag}, {@code TCS-Version},
 * {@code TCS-Revision}, {@code TCS-Tenant}, {@code TCS-Region}, {@code Content-Type}) and its
 * body, which is never written to. Immutable; shared by every event loop.
 */
public record Hit(HitHeaders headers, Buffer body) {
  static Hit of(RegionAnswer value) {
    return new Hit(HitHeaders.of(value.etag(), value.tenantId(), value.stamp(), value.servedBy(), value.contentType()), value.body());
  }
}
