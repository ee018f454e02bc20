package dev.tcs.sidecar;

import dev.tcs.core.read.Stamp;
import dev.tcs.sidecar.lane.RegionAnswer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** Region answers for tests. */
public final class TestAnswers {
  private TestAnswers() {}

  /** A value of {@code tenant} at {@code version} fetched by lane {@code lane}, revision unknown. */
  public static RegionAnswer value(String lane, String tenant, long version) {
    return value(lane, tenant, version, Stamp.UNKNOWN_REVISION);
  }

  /** A value of {@code tenant} at {@code version} and definitions {@code revision}. */
  public static RegionAnswer value(String lane, String tenant, long version, long revision) {
    Buffer body = new JsonObject().put("tenantId", tenant).put("version", version).put("revision", revision).toBuffer();
    String etag = "\"" + tenant + "-" + version + "-" + revision + "\"";
    return new RegionAnswer(lane, 200, version, revision, tenant, etag, lane, "application/json", body);
  }

  /** A 404 about {@code tenant} (null for an unknown host), with {@code version} (0: none). */
  public static RegionAnswer notFound(String lane, String tenant, long version) {
    Buffer body = new JsonObject().put("title", "Not Found").put("status", 404).put("detail", "no such tenant").toBuffer();
    return new RegionAnswer(lane, 404, version, Stamp.UNKNOWN_REVISION, tenant, null, lane, "application/problem+json", body);
  }

  /** Another client error passed through, e.g. 403. */
  public static RegionAnswer problem(String lane, int status, String tenant) {
    Buffer body = new JsonObject().put("title", "Forbidden").put("status", status).put("detail", "no view for this consumer").toBuffer();
    return new RegionAnswer(lane, status, 0, Stamp.UNKNOWN_REVISION, tenant, null, lane, "application/problem+json", body);
  }
}
