package dev.tcs.sidecar.lane;

import dev.tcs.core.read.Stamp;
import io.vertx.core.buffer.Buffer;
import java.util.Objects;

/**
 * A region's decisive answer to a read, checked by its lane: a value (200), an unknown tenant or
 * host (404), or another client error the application must see (401, 403, ...). Server errors,
 * 408 and 429 never become an answer: they are lane failures, so the other region is used.
 *
 * <p>The body is never changed after construction, so one answer may be written to many
 * responses from any thread.
 *
 * @param lane the lane (configured region) that fetched it
 * @param status the HTTP status
 * @param version the catalogue version ({@code TCS-Version}); always set on a 200, 0 when a 404
 *     carries none
 * @param revision the definitions revision ({@code TCS-Revision}), {@link Stamp#UNKNOWN} if absent
 * @param tenantId the tenant ({@code TCS-Tenant}, or the tenant asked for), null for an unknown
 *     host
 * @param etag the entity tag to answer with; set on a 200
 * @param servedBy the region the value came from ({@code TCS-Region}), the lane's region if absent
 * @param contentType the media type of the body
 * @param body the view (200) or the region's problem document
 */
public record RegionAnswer(
    String lane,
    int status,
    long version,
    long revision,
    String tenantId,
    String etag,
    String servedBy,
    String contentType,
    Buffer body) {

  public RegionAnswer {
    Objects.requireNonNull(lane, "lane");
    Objects.requireNonNull(servedBy, "servedBy");
    Objects.requireNonNull(body, "body");
  }

  /** A value or a 404: what a read can be answered and cached with. */
  public boolean isSuccess() {
    return status == 200 || status == 404;
  }

  /** A value, as opposed to a 404 or another client error. */
  public boolean isValue() {
    return status == 200;
  }

  /** True when the answer says which catalogue version it reflects. */
  public boolean isVersioned() {
    return version > 0;
  }

  /** Its place in the tenant's history. */
  public Stamp stamp() {
    return new Stamp(version, revision);
  }
}
