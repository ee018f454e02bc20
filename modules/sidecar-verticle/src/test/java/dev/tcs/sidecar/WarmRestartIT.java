package dev.tcs.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.HazelcastInstance;
import dev.tcs.core.auth.AuthConfig;
import dev.tcs.core.auth.Principal;
import dev.tcs.core.auth.Tokens;
import dev.tcs.core.config.Settings;
import dev.tcs.core.model.Invalidation;
import dev.tcs.core.security.Hmac;
import dev.tcs.infra.EmbeddedHazelcast;
import dev.tcs.infra.Eventually;
import dev.tcs.infra.FreePorts;
import dev.tcs.infra.LocalInfra;
import dev.tcs.infra.LocalInfraExtension;
import dev.tcs.infra.TestNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Warm restart: a sidecar with {@code sidecar.snapshot} caches views and stops; every region goes
 * down; a new sidecar starts from the snapshot and answers those keys stale with their age (and
 * applies invalidations meanwhile); the regions come back and it revalidates, versions never
 * going backwards. Fake h2c regions and a real Hazelcast member of the home region.
 */
@ExtendWith(LocalInfraExtension.class)
class WarmRestartIT {
  private static final Path CONFIG = Path.of("../../config");

  private static Vertx vertx;
  private static final String INVALIDATION_KEY = "test-secret-for-invalidations-of-warm-restarts-0123456789";
  private static Tokens tokens;
  private static HazelcastInstance member;
  private static HazelcastInstance client;
  private static String jiraToken;

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
  private final List<FakeRegion> regions = new ArrayList<>();
  private final List<Integer> regionPorts = FreePorts.distinct(2);
  private PrometheusMeterRegistry registry;
  private String deployment;
  private int port;

  @BeforeAll
  static void startShared(LocalInfra infra) throws Exception {
    vertx = Vertx.vertx();
    String cluster = TestNames.unique("tcs-warm");
    member = infra.hazelcastMember(cluster);
    client = EmbeddedHazelcast.startClient(cluster, infra.hazelcastAddresses(cluster));
    AuthConfig auth =
        new AuthConfig(
            Files.readString(CONFIG.resolve("demo-keys/jwt-public.pem")),
            Files.readString(CONFIG.resolve("demo-keys/jwt-private.pem")),
            "tcs-demo",
            "tcs",
            Duration.ofSeconds(5));
    tokens = new Tokens(vertx, auth);
    jiraToken = tokens.issue("jira", Set.of(Principal.READER), Duration.ofHours(1));
  }

  @AfterAll
  static void stopShared() throws Exception {
    if (client != null) {
      client.shutdown();
    }
    if (vertx != null) {
      await(vertx.close());
    }
  }

  @AfterEach
  void stopAll() throws Exception {
    if (deployment != null) {
      await(vertx.undeploy(deployment));
    }
    stopRegions();
  }

  @Test
  void restartWhileRegionsDown_answersStaleWithAge_thenRevalidates() throws Exception {
    String acme = TestNames.unique("acme");
    String globex = TestNames.unique("globex");
    String key = Base64.getEncoder().encodeToString(randomKey());
    Path snapshot = dir.resolve("sidecar.snapshot");

    // 1. regions up: the first sidecar caches both tenants (acme also by host), then stops
    startRegions(acme, 3, 3, globex, 1);
    startSidecar(snapshot, key);
    assertEquals("3", value(get("/v1/tenants/" + acme + "/context")).headers().firstValue("TCS-Version").orElseThrow());
    assertEquals("3", value(get("/v1/hosts/" + acme + ".example.net/context")).headers().firstValue("TCS-Version").orElseThrow());
    assertEquals("1", value(get("/v1/tenants/" + globex + "/context")).headers().firstValue("TCS-Version").orElseThrow());
    String body = get("/v1/tenants/" + acme + "/context").body();
    await(vertx.undeploy(deployment));
    deployment = null;
    assertTrue(Files.size(snapshot) > 0, "no snapshot written at stop");
    assertTrue(!new String(Files.readAllBytes(snapshot), java.nio.charset.StandardCharsets.ISO_8859_1).contains(acme), "the snapshot is not encrypted");

    // 2. every region down; a new sidecar starts from the snapshot and answers stale, with age
    stopRegions();
    startSidecar(snapshot, key);
    HttpResponse<String> stale = value(get("/v1/tenants/" + acme + "/context"));
    assertEquals("3", stale.headers().firstValue("TCS-Version").orElseThrow());
    assertEquals("true", stale.headers().firstValue("TCS-Stale").orElseThrow());
    assertTrue(Long.parseLong(stale.headers().firstValue("Age").orElseThrow()) >= 0);
    assertEquals(body, stale.body());
    HttpResponse<String> staleHost = value(get("/v1/hosts/" + acme + ".example.net/context"));
    assertEquals("true", staleHost.headers().firstValue("TCS-Stale").orElseThrow());
    assertEquals(acme, staleHost.headers().firstValue("TCS-Tenant").orElseThrow());
    assertTrue(counter(SidecarMetrics.READS, "outcome", "stale") >= 2, "stale reads not counted");

    //    an invalidation received meanwhile still applies: globex's restored v1 is superseded, answered
    //    only as the last resort (stale), and its host entry is dropped
    member.<String>getReliableTopic(Invalidation.TOPIC).publish(Hmac.of(INVALIDATION_KEY).seal(new Invalidation(globex, "jira", List.of(), 2).toJson().encode()));
    Eventually.until(Duration.ofSeconds(5), "the invalidation is applied", () -> counter(SidecarMetrics.INVALIDATIONS, "outcome", "applied") >= 1);
    HttpResponse<String> superseded = value(get("/v1/tenants/" + globex + "/context"));
    assertEquals("1", superseded.headers().firstValue("TCS-Version").orElseThrow());
    assertEquals("true", superseded.headers().firstValue("TCS-Stale").orElseThrow());

    // 3. the regions come back, one lagging behind what the sidecar had: it revalidates, never going back
    startRegions(acme, 4, 2, globex, 2);
    List<Long> seen = new ArrayList<>();
    Eventually.until(Duration.ofSeconds(20), "the sidecar revalidates acme to version 4", () -> {
      HttpResponse<String> response = getQuietly("/v1/tenants/" + acme + "/context");
      if (response == null || response.statusCode() != 200) {
        return false;
      }
      seen.add(Long.parseLong(response.headers().firstValue("TCS-Version").orElseThrow()));
      return seen.get(seen.size() - 1) == 4 && response.headers().firstValue("TCS-Stale").isEmpty();
    });
    assertTrue(seen.stream().allMatch(v -> v >= 3), "a version went backwards: " + seen);
    HttpResponse<String> fresh = value(get("/v1/tenants/" + acme + "/context"));
    assertEquals("4", fresh.headers().firstValue("TCS-Version").orElseThrow());
    assertTrue(fresh.headers().firstValue("Age").isEmpty());
    assertEquals("2", value(get("/v1/tenants/" + globex + "/context")).headers().firstValue("TCS-Version").orElseThrow());
  }

  @Test
  void restart_snapshotSealedWithOtherKey_isIgnored_andStartsEmpty() throws Exception {
    String acme = TestNames.unique("acme");
    Path snapshot = dir.resolve("sidecar.snapshot");
    startRegions(acme, 3, 3, TestNames.unique("globex"), 1);
    startSidecar(snapshot, Base64.getEncoder().encodeToString(randomKey()));
    value(get("/v1/tenants/" + acme + "/context"));
    await(vertx.undeploy(deployment));
    deployment = null;
    stopRegions();

    startSidecar(snapshot, Base64.getEncoder().encodeToString(randomKey()));

    assertEquals(503, get("/v1/tenants/" + acme + "/context").statusCode(), "trusted a snapshot sealed with another key");
  }

  // ---- helpers ----

  /** us-east serves acme at {@code usEast}, eu-west at {@code euWest}; both serve globex at {@code globexVersion}. */
  private void startRegions(String acme, long usEast, long euWest, String globex, long globexVersion) throws Exception {
    FakeRegion east = new FakeRegion("us-east", tokens).serve(acme, usEast, acme + ".example.net").serve(globex, globexVersion, globex + ".example.net");
    FakeRegion west = new FakeRegion("eu-west", tokens).serve(acme, euWest, acme + ".example.net").serve(globex, globexVersion, globex + ".example.net");
    regions.add(await(east.start(vertx, regionPorts.get(0))));
    regions.add(await(west.start(vertx, regionPorts.get(1))));
  }

  private void stopRegions() throws Exception {
    for (FakeRegion region : regions) {
      await(region.stop());
    }
    regions.clear();
  }

  private void startSidecar(Path snapshot, String key) throws Exception {
    JsonObject regionUrls = new JsonObject()
        .put("us-east", new JsonObject().put("url", "http://127.0.0.1:" + regionPorts.get(0)))
        .put("eu-west", new JsonObject().put("url", "http://127.0.0.1:" + regionPorts.get(1)));
    port = FreePorts.one();
    JsonObject json =
        new JsonObject()
            .put("http", new JsonObject().put("host", "127.0.0.1").put("port", port))
            .put("auth", new JsonObject().put("invalidation-key", INVALIDATION_KEY))
            .put("sidecar", new JsonObject()
                .put("primary", "us-east")
                .put("regions", regionUrls)
                .put("request-timeout", "1s")
                .put("routing", new JsonObject().put("eject-base", "100ms").put("eject-max", "200ms"))
                .put("cache", new JsonObject().put("maximum-size", 1000).put("ttl", "1h").put("stale-ttl", "1h"))
                .put("snapshot", new JsonObject().put("path", snapshot.toString()).put("key", key).put("interval", "1h")))
            .put("hazelcast", new JsonObject().put("cluster-name", "unused-here").put("members", new JsonArray().add("127.0.0.1:5701")));
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    deployment = await(Sidecar.deploy(vertx, SidecarConfig.from(Settings.of("", json)), client, tokens, registry, Clock.systemUTC()));
  }

  private static byte[] randomKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return key;
  }

  private HttpResponse<String> get(String path) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5))
        .header("Authorization", "Bearer " + jiraToken)
        .GET()
        .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> getQuietly(String path) {
    try {
      return get(path);
    } catch (Exception e) {
      return null;
    }
  }

  private static HttpResponse<String> value(HttpResponse<String> response) {
    assertEquals(200, response.statusCode(), response.body());
    return response;
  }

  private double counter(String name, String... tags) {
    Counter counter = registry.find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
  }
}
