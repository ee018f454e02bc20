package dev.tcs.region.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.auth.AuthConfig;
import dev.tcs.core.auth.Tokens;
import dev.tcs.core.config.Settings;
import dev.tcs.region.RegionMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/** The fractions of the chaos faults, with the random draws given by the test. */
class ChaosTest {
  private static Vertx vertx;
  private static Tokens tokens;
  // Nothing listens here: a call that reached this client would fail with a connection error, not chaos's.
  private static DynamoDbAsyncClient nowhere;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final RegionMetrics metrics = new RegionMetrics(registry, "chaos-test");

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    tokens =
        new Tokens(
            vertx,
            AuthConfig.from(
                Settings.of("auth", new JsonObject().put("public-key", "demo-keys/jwt-public.pem").put("issuer", "tcs-demo").put("audience", "tcs")),
                Path.of("../../config")));
    nowhere =
        DynamoDbAsyncClient.builder()
            .region(Region.US_EAST_1)
            .endpointOverride(URI.create("http://127.0.0.1:9"))
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
            .httpClientBuilder(NettyNioAsyncHttpClient.builder())
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .build();
  }

  @AfterAll
  static void close() {
    nowhere.close();
    vertx.close().await();
  }

  @Test
  void disabled_injectsNothingAndWrapsNothing() {
    Chaos chaos = Chaos.of(ChaosSettings.DISABLED, "r", tokens, metrics, () -> 0.0);
    assertFalse(chaos.dropInvalidation());
    assertSame(nowhere, chaos.dynamo(nowhere));
    assertTrue(registry.find(RegionMetrics.CHAOS_FAULTS).counters().isEmpty(), "no chaos meters when disabled");
  }

  @Test
  void dropInvalidations_half_dropsTheDrawsBelowIt() {
    Chaos chaos = enabled(0.1, 0.7, 0.49, 0.5);
    setFaults(chaos, new JsonObject().put("dropInvalidations", 0.5));
    assertEquals(List.of(true, false, true, false), List.of(chaos.dropInvalidation(), chaos.dropInvalidation(), chaos.dropInvalidation(), chaos.dropInvalidation()));
    assertEquals(2, registry.get(RegionMetrics.CHAOS_FAULTS).tag("fault", "invalidation-dropped").counter().count());
  }

  @Test
  void dynamoFailures_failTheDrawnCallsAtOnce_withoutCallingDynamo() {
    Chaos chaos = enabled(0.2, 0.2);
    setFaults(chaos, new JsonObject().put("dynamoFailures", 0.3));
    DynamoDbAsyncClient client = chaos.dynamo(nowhere);

    Throwable failure = client.describeTable(b -> b.tableName("t")).handle((ok, e) -> e).join();
    assertInstanceOf(SdkClientException.class, failure instanceof CompletionException ? failure.getCause() : failure);
    assertTrue(failure.getMessage().contains("chaos"), failure.getMessage());
    assertEquals("dynamodb", client.serviceName(), "calls without a future pass through");
    assertEquals(1, registry.get(RegionMetrics.CHAOS_FAULTS).tag("fault", "dynamo-failed").counter().count());
  }

  @Test
  void dynamoFailures_zero_passesEveryCallThrough() {
    Chaos chaos = enabled(0.0);
    DynamoDbAsyncClient client = chaos.dynamo(nowhere);
    Throwable failure = client.describeTable(b -> b.tableName("t")).handle((ok, e) -> e).join();
    assertFalse(String.valueOf(failure.getMessage()).contains("chaos"), "the call reached the real client: " + failure);
    assertEquals(0, registry.get(RegionMetrics.CHAOS_FAULTS).tag("fault", "dynamo-failed").counter().count());
  }

  @Test
  void chaosState_gauges_showTheFaultsSetNow() {
    Chaos chaos = enabled(0.0);
    assertEquals(1, registry.get(RegionMetrics.CHAOS_ENABLED).gauge().value());
    assertEquals(0, registry.get(RegionMetrics.CHAOS_ACTIVE).tag("fault", "read-off").gauge().value());

    setFaults(chaos, new JsonObject().put("readOff", true).put("dynamoFailures", 0.5));

    assertEquals(1, registry.get(RegionMetrics.CHAOS_ACTIVE).tag("fault", "read-off").gauge().value());
    assertEquals(1, registry.get(RegionMetrics.CHAOS_ACTIVE).tag("fault", "dynamo-failures").gauge().value());
    assertEquals(0, registry.get(RegionMetrics.CHAOS_ACTIVE).tag("fault", "ingest-paused").gauge().value());
    chaos.set(Faults.NONE);
    assertEquals(0, registry.get(RegionMetrics.CHAOS_ACTIVE).tag("fault", "read-off").gauge().value());
  }

  @Test
  void disabled_hasNoChaosStateGauges() {
    Chaos.of(ChaosSettings.DISABLED, "r", tokens, metrics, () -> 0.0);
    assertTrue(registry.find(RegionMetrics.CHAOS_ENABLED).gauges().isEmpty());
    assertTrue(registry.find(RegionMetrics.CHAOS_ACTIVE).gauges().isEmpty());
  }

  private Chaos enabled(double... draws) {
    AtomicInteger next = new AtomicInteger();
    return Chaos.of(new ChaosSettings(true), "r", tokens, metrics, () -> draws[next.getAndIncrement() % draws.length]);
  }

  private static void setFaults(Chaos chaos, JsonObject body) {
    chaos.set(chaos.faults().with(body));
  }
}
