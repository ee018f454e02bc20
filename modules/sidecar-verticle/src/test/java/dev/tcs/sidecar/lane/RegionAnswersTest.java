package dev.tcs.sidecar.lane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.read.Stamp;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/** The read API contract a region's answer must meet before the sidecar uses it. */
class RegionAnswersTest {
  private static final RegionRequest TENANT_READ = new RegionRequest("/v1/tenants/acme/context", "acme", "Bearer t", null);
  private static final RegionRequest HOST_READ = new RegionRequest("/v1/hosts/acme.example.net/context", null, "Bearer t", null);
  private static final Buffer BODY = Buffer.buffer("{\"tenantId\":\"acme\"}");

  private static MultiMap headers(String... pairs) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < pairs.length; i += 2) {
      headers.add(pairs[i], pairs[i + 1]);
    }
    return headers;
  }

  @Test
  void read_valueWithHeaders_keepsThem() {
    RegionAnswer answer =
        RegionAnswers.read("us-east", HOST_READ, 200, headers("TCS-Version", "7", "TCS-Tenant", "acme", "TCS-Region", "eu-west", "ETag", "\"v7\""), BODY);

    assertEquals(7, answer.version());
    assertEquals(Stamp.UNKNOWN_REVISION, answer.revision());
    assertEquals("acme", answer.tenantId());
    assertEquals("eu-west", answer.servedBy());
    assertEquals("\"v7\"", answer.etag());
    assertEquals("us-east", answer.lane());
  }

  @Test
  void read_revisionHeader_isKeptAndABadOneIgnored() {
    RegionAnswer answer = RegionAnswers.read("us-east", TENANT_READ, 200, headers("TCS-Version", "7", "TCS-Tenant", "acme", "TCS-Revision", "3"), BODY);
    RegionAnswer bad = RegionAnswers.read("us-east", TENANT_READ, 200, headers("TCS-Version", "7", "TCS-Tenant", "acme", "TCS-Revision", "x"), BODY);

    assertEquals(new Stamp(7, 3), answer.stamp());
    assertEquals(Stamp.UNKNOWN_REVISION, bad.revision());
  }

  @Test
  void read_valueWithoutVersion_isALaneError() {
    LaneFailure failure =
        assertThrows(LaneFailure.class, () -> RegionAnswers.read("us-east", TENANT_READ, 200, headers("TCS-Tenant", "acme"), BODY));

    assertEquals(LaneFailure.Kind.ERROR, failure.kind());
    assertTrue(failure.getMessage().contains("TCS-Version"), failure.getMessage());
  }

  @Test
  void read_valueOfAnotherTenant_isALaneError() {
    assertThrows(
        LaneFailure.class,
        () -> RegionAnswers.read("us-east", TENANT_READ, 200, headers("TCS-Version", "7", "TCS-Tenant", "globex"), BODY));
  }

  @Test
  void read_valueWithoutEtag_getsOneFromTheVersion() {
    RegionAnswer answer = RegionAnswers.read("us-east", TENANT_READ, 200, headers("TCS-Version", "7", "TCS-Tenant", "acme"), BODY);

    assertEquals("\"7\"", answer.etag());
    assertEquals("us-east", answer.servedBy());
  }

  @Test
  void read_notFoundWithoutVersion_isUnversionedForTheTenantAsked() {
    RegionAnswer answer = RegionAnswers.read("us-east", TENANT_READ, 404, headers(), BODY);

    assertEquals(0, answer.version());
    assertEquals("acme", answer.tenantId());
  }

  @Test
  void read_unknownHost_hasNoTenant() {
    RegionAnswer answer = RegionAnswers.read("us-east", HOST_READ, 404, headers("TCS-Version", "3"), BODY);

    assertNull(answer.tenantId());
    assertEquals(0, answer.version());
  }

  @Test
  void read_forbidden_isAnAnswer() {
    assertEquals(403, RegionAnswers.read("us-east", TENANT_READ, 403, headers(), BODY).status());
  }

  @Test
  void read_serverErrorOrTooManyRequests_isALaneError() {
    for (int status : new int[] {500, 502, 503, 429, 408, 302, 204}) {
      assertThrows(LaneFailure.class, () -> RegionAnswers.read("us-east", TENANT_READ, status, headers(), BODY), "status " + status);
    }
  }

  @Test
  void read_oversizedBody_isALaneError() {
    Buffer huge = Buffer.buffer(new byte[RegionAnswers.MAX_BODY_BYTES + 1]);

    assertThrows(
        LaneFailure.class,
        () -> RegionAnswers.read("us-east", TENANT_READ, 200, headers("TCS-Version", "7", "TCS-Tenant", "acme"), huge));
  }
}
