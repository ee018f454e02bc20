package dev.tcs.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.auth.Principal;
import dev.tcs.infra.Eventually;
import dev.tcs.infra.LocalInfra;
import dev.tcs.infra.LocalInfraExtension;
import dev.tcs.infra.TestNames;
import dev.tcs.region.RegionHarness.Answer;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Each chaos fault, driven through {@code /chaos} with an admin token and observed from outside. */
@ExtendWith(LocalInfraExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RegionChaosIT {
  private static RegionHarness region;
  private static String admin;

  @BeforeAll
  static void start(LocalInfra infra) {
    region = new RegionHarness(infra, infra.dynamo().endpoint(), json -> json.put("chaos", new JsonObject().put("enabled", true)));
    admin = region.tokens.issue("ops", Set.of(Principal.ADMIN), Duration.ofMinutes(10));
  }

  @AfterAll
  static void stop() {
    region.close();
  }

  @AfterEach
  void clear() {
    assertEquals(200, region.send(HttpMethod.DELETE, "/chaos", admin, null).status());
  }

  @Test
  void chaos_withoutAdminToken_isRefused() {
    Answer none = region.send(HttpMethod.POST, "/chaos", null, new JsonObject().put("readOff", true));
    assertEquals(401, none.status(), none::toString);
    String reader = region.tokens.issue("jira", Set.of(Principal.READER), Duration.ofMinutes(1));
    Answer notAdmin = region.send(HttpMethod.POST, "/chaos", reader, new JsonObject().put("readOff", true));
    assertEquals(403, notAdmin.status(), notAdmin::toString);
    assertEquals("application/problem+json", notAdmin.headers().get("Content-Type"));
    assertEquals(false, get().getBoolean("readOff"), "a refused request changed nothing");
  }

  @Test
  void chaos_badInput_answers400NamingTheField() {
    assertBadField(new JsonObject().put("latencyFraction", 2), "latencyFraction");
    assertBadField(new JsonObject().put("latency", "fast"), "latency");
    assertBadField(new JsonObject().put("latency", "2m"), "latency");
    assertBadField(new JsonObject().put("readOff", "yes"), "readOff");
    assertBadField(new JsonObject().put("explode", true), "explode");
    Answer notJson = region.send(HttpMethod.POST, "/chaos", admin, null);
    assertEquals(400, notJson.status(), notJson::toString);
    assertEquals("body", notJson.json().getString("field"), notJson::toString);
  }

  @Test
  void readOff_readsFail_opsAnswer_thenClearServesAgain() {
    String tenant = served(1);
    post(new JsonObject().put("readOff", true));

    assertTrue(failsToAnswer("/v1/tenants/" + tenant + "/context"), "a read got an answer while the read API was off");
    assertEquals(200, region.get("/health/live", null).status(), "ops routes stay up");
    assertTrue(faults("read-reset") >= 1);

    region.send(HttpMethod.DELETE, "/chaos", admin, null);
    assertEquals(200, region.read("/v1/tenants/" + tenant + "/context").status());
  }

  @Test
  void latency_fractionOne_delaysEveryRead() {
    String tenant = served(1);
    String path = "/v1/tenants/" + tenant + "/context";
    double delayedBefore = faults("read-delayed"); // other tests of this class delay reads too
    JsonObject shown = post(new JsonObject().put("latency", "300ms"));
    assertEquals(1.0, shown.getDouble("latencyFraction"), "latency alone applies to every read");

    for (int i = 0; i < 3; i++) {
      long started = System.nanoTime();
      assertEquals(200, region.read(path).status());
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertTrue(tookMs >= 300, "read took " + tookMs + " ms");
    }
    assertEquals(delayedBefore + 3, faults("read-delayed"));

    post(new JsonObject().put("latencyFraction", 0));
    long started = System.nanoTime();
    assertEquals(200, region.read(path).status());
    assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) < 300);
    assertEquals(delayedBefore + 3, faults("read-delayed"), "fraction 0 delays nothing");
  }

  @Test
  void readFaults_gateCacheHitsOnTheFastPathToo() {
    String path = "/v1/tenants/" + served(1) + "/context";
    String reader = region.tokens.issue("jira", Set.of(Principal.READER), Duration.ofMinutes(10));
    assertEquals(200, region.get(path, reader).status(), "the token's first read verifies it (routed)");
    Answer fast = region.get(path, reader);
    assertEquals(200, fast.status(), fast::toString);
    assertNull(fast.headers().get("X-Request-Id"), "precondition: a fast-path hit carries no generated request id");
    double delayedBefore = faults("read-delayed");

    post(new JsonObject().put("latency", "300ms"));
    long started = System.nanoTime();
    assertEquals(200, region.get(path, reader).status());
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertTrue(tookMs >= 300, "a cached key answered in " + tookMs + " ms past the latency fault");
    assertEquals(delayedBefore + 1, faults("read-delayed"));

    post(new JsonObject().put("readOff", true));
    assertTrue(failsToAnswer(path, reader), "a cached key answered while the read API was off");

    region.send(HttpMethod.DELETE, "/chaos", admin, null);
    Answer again = region.get(path, reader);
    assertEquals(200, again.status(), again::toString);
    assertNull(again.headers().get("X-Request-Id"), "with no read fault, hits take the fast path again");
  }

  @Test
  void ingestPaused_viewsWait_thenResumeAppliesThem() {
    String tenant = served(1);
    String path = "/v1/tenants/" + tenant + "/context";
    post(new JsonObject().put("ingestPaused", true));
    double heldBefore = faults("ingest-held");

    region.publish(tenant, 2);
    Eventually.until(Duration.ofSeconds(20), () -> faults("ingest-held") > heldBefore, () -> "the view was never held");
    assertEquals("1", region.read(path).headers().get("TCS-Version"), "a held view was applied");

    post(new JsonObject().put("ingestPaused", false));
    awaitVersion(path, "2");
  }

  @Test
  void ingestDelay_viewsApplyAfterTheDelay() {
    String tenant = served(1);
    String path = "/v1/tenants/" + tenant + "/context";
    post(new JsonObject().put("ingestDelay", "500ms"));
    double delayedBefore = faults("ingest-delayed");

    long started = System.nanoTime();
    region.publish(tenant, 2);
    awaitVersion(path, "2");
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertTrue(tookMs >= 500, "applied after " + tookMs + " ms");
    assertTrue(faults("ingest-delayed") > delayedBefore);
  }

  @Test
  void dropInvalidations_nothingReachesTheTopic_thenDeliveryResumes() {
    String dropped = served(1);
    double received = count(RegionMetrics.INVALIDATIONS_RECEIVED, "outcome", "applied");
    post(new JsonObject().put("dropInvalidations", 1.0));
    double droppedBefore = faults("invalidation-dropped");

    region.publish(dropped, 2);
    Eventually.until(Duration.ofSeconds(20), () -> faults("invalidation-dropped") > droppedBefore, () -> "no invalidation was dropped");
    post(new JsonObject().put("dropInvalidations", 0));
    served(1); // its invalidation follows the dropped one on the same topic

    // The topic is ordered: once the later message is received, the dropped one would have been.
    Eventually.until(
        Duration.ofSeconds(20),
        () -> count(RegionMetrics.INVALIDATIONS_RECEIVED, "outcome", "applied") >= received + 1,
        () -> "the later invalidation never arrived");
    assertEquals(received + 1, count(RegionMetrics.INVALIDATIONS_RECEIVED, "outcome", "applied"), "the dropped invalidation was delivered");
  }

  @Test
  void dynamoFailures_cachedKeysAnswer_missesGet503_readinessDown() {
    String tenant = served(1);
    String path = "/v1/tenants/" + tenant + "/context";
    assertEquals(200, region.read(path).status());
    post(new JsonObject().put("dynamoFailures", 1.0));

    assertEquals(200, region.read(path).status(), "a cached key still answers");
    Answer miss = region.read("/v1/tenants/" + TestNames.unique("unknown") + "/context");
    assertEquals(503, miss.status(), miss::toString);
    assertEquals("application/problem+json", miss.headers().get("Content-Type"));
    Answer ready = region.get("/health/ready", null);
    assertEquals(503, ready.status(), ready::toString);
    assertTrue(faults("dynamo-failed") >= 2);

    region.send(HttpMethod.DELETE, "/chaos", admin, null);
    assertEquals(404, region.read("/v1/tenants/" + TestNames.unique("unknown") + "/context").status());
    assertEquals(200, region.get("/health/ready", null).status());
  }

  // ---- helpers ----

  /** A new tenant served at {@code version}, its invalidation already received, and cached. */
  private static String served(long version) {
    String tenant = TestNames.unique("chaos");
    double received = count(RegionMetrics.INVALIDATIONS_RECEIVED, "outcome", "applied");
    region.publish(tenant, version);
    Eventually.until(
        Duration.ofSeconds(20),
        () -> count(RegionMetrics.INVALIDATIONS_RECEIVED, "outcome", "applied") > received,
        () -> "the view of " + tenant + " was never applied");
    awaitVersion("/v1/tenants/" + tenant + "/context", Long.toString(version));
    return tenant;
  }

  private static void awaitVersion(String path, String version) {
    AtomicReference<Answer> last = new AtomicReference<>();
    Eventually.until(
        Duration.ofSeconds(20),
        () -> {
          last.set(region.read(path));
          return last.get().status() == 200 && version.equals(last.get().headers().get("TCS-Version"));
        },
        () -> "never served version " + version + ": " + last.get());
  }

  private static boolean failsToAnswer(String path) {
    return failsToAnswer(path, region.tokens.issue("jira", Set.of(Principal.READER), Duration.ofMinutes(10)));
  }

  private static boolean failsToAnswer(String path, String token) {
    try {
      Answer answer = region.get(path, token);
      return answer == null;
    } catch (RuntimeException e) {
      return true;
    }
  }

  private static JsonObject post(JsonObject faults) {
    Answer answer = region.send(HttpMethod.POST, "/chaos", admin, faults);
    assertEquals(200, answer.status(), answer::toString);
    return answer.json().getJsonObject("faults");
  }

  private static JsonObject get() {
    Answer answer = region.get("/chaos", admin);
    assertEquals(200, answer.status(), answer::toString);
    return answer.json().getJsonObject("faults");
  }

  private static void assertBadField(JsonObject body, String field) {
    Answer answer = region.send(HttpMethod.POST, "/chaos", admin, body);
    assertEquals(400, answer.status(), answer::toString);
    assertEquals("application/problem+json", answer.headers().get("Content-Type"));
    assertEquals(field, answer.json().getString("field"), answer::toString);
    assertTrue(answer.json().getString("detail").contains(field), answer::toString);
  }

  private static double faults(String fault) {
    return count(RegionMetrics.CHAOS_FAULTS, "fault", fault);
  }

  private static double count(String meter, String tag, String value) {
    Counter counter = region.registry.find(meter).tag("region", region.config.name()).tag(tag, value).counter();
    return counter == null ? 0 : counter.count();
  }
}
