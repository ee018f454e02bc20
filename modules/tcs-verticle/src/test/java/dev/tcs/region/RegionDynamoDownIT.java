package dev.tcs.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.infra.EmbeddedDynamo;
import dev.tcs.infra.Eventually;
import dev.tcs.infra.LocalInfra;
import dev.tcs.infra.LocalInfraExtension;
import dev.tcs.infra.TestNames;
import dev.tcs.region.RegionHarness.Answer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A region whose DynamoDB is stopped: what it has cached still answers, a miss gets a 503
 * problem+json (so a sidecar's hedge goes elsewhere), and readiness says the table is down.
 */
@ExtendWith(LocalInfraExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RegionDynamoDownIT {
  private EmbeddedDynamo dynamo;
  private RegionHarness region;

  @BeforeEach
  void start(LocalInfra infra) {
    dynamo = EmbeddedDynamo.start();
    region = new RegionHarness(infra, dynamo.endpoint(), json -> {});
  }

  @AfterEach
  void stop() {
    region.close();
    dynamo.close();
  }

  private double count(String meter, String outcome) {
    var counter = region.registry.find(meter).tag("region", region.config.name()).tag("outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void dynamoStopped_cachedKeysAnswer_missesGet503Problem_readinessDown() {
    String cached = TestNames.unique("cached");
    region.publish(cached, 3);
    String path = "/v1/tenants/" + cached + "/context";
    // Wait for the ingest's own invalidation first: a load in flight when it lands is not kept.
    Eventually.until(Duration.ofSeconds(20), () -> count(RegionMetrics.INVALIDATIONS_RECEIVED, "applied") >= 1, () -> "no invalidation applied");
    AtomicReference<Answer> last = new AtomicReference<>();
    Eventually.until(Duration.ofSeconds(20), () -> { last.set(region.read(path)); return last.get().status() == 200; }, () -> "never served: " + last.get());
    Eventually.until(Duration.ofSeconds(10), () -> region.get("/health/ready", null).status() == 200, () -> "never ready");

    double hitsBefore = count(RegionMetrics.READS, "hit");
    assertEquals(200, region.read(path).status());
    assertEquals(hitsBefore + 1, count(RegionMetrics.READS, "hit"), "the key is not cached yet");

    String admin = region.tokens.issue("ops", java.util.Set.of(dev.tcs.core.auth.Principal.ADMIN), Duration.ofMinutes(1));
    assertEquals(404, region.send(io.vertx.core.http.HttpMethod.POST, "/chaos", admin, new io.vertx.core.json.JsonObject().put("dynamoFailures", 1.0)).status(), "chaos is off unless enabled");

    dynamo.stop();

    for (int i = 0; i < 20; i++) {
      Answer hit = region.read(path);
      assertEquals(200, hit.status(), hit::toString);
      assertEquals("3", hit.headers().get("TCS-Version"));
    }
    long started = System.nanoTime();
    Answer miss = region.read("/v1/tenants/" + TestNames.unique("unknown") + "/context");
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertEquals(503, miss.status(), miss::toString);
    assertEquals("application/problem+json", miss.headers().get("Content-Type"));
    assertEquals(503, miss.json().getInteger("status"));
    assertEquals(region.config.name(), miss.headers().get("TCS-Region"), "a 503 says which region gave it");
    assertTrue(tookMs < 10_000, "a miss waited " + tookMs + " ms for a stopped store");

    Answer ready = region.get("/health/ready", null);
    assertEquals(503, ready.status(), ready::toString);
    assertEquals("DOWN", ready.json().getString("status"));
    assertTrue(ready.json().getJsonObject("checks").getString("table").startsWith("DOWN"), ready::toString);
    assertEquals("UP", region.get("/health/live", null).json().getString("status"), "liveness does not depend on the store");
  }
}
