package dev.tcs.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.config.ConfigException;
import dev.tcs.core.config.ConfigLoader;
import dev.tcs.core.config.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import dev.tcs.sidecar.lane.RoutingSettings;

class SidecarConfigTest {
  private static JsonObject minimal() {
    return new JsonObject()
        .put("sidecar", new JsonObject()
            .put("primary", "us-east")
            .put("regions", new JsonObject()
                .put("us-east", new JsonObject().put("url", "http://127.0.0.1:8081"))
                .put("eu-west", new JsonObject().put("url", "http://127.0.0.1:8082/tcs/"))))
        .put("hazelcast", new JsonObject().put("cluster-name", "tcs-us-east").put("members", new JsonArray().add("127.0.0.1:5701")))
        .put("auth", new JsonObject().put("invalidation-key", "test-secret-for-views-and-invalidations-0123456789"));
  }

  private static ConfigException rejected(JsonObject json) {
    return assertThrows(ConfigException.class, () -> SidecarConfig.from(Settings.of("", json)));
  }

  @Test
  void from_minimal_appliesDefaults() {
    SidecarConfig config = SidecarConfig.from(Settings.of("", minimal()));

    assertEquals(new SidecarConfig.Http("127.0.0.1", 8090), config.http());
    assertEquals("us-east", config.primary());
    assertEquals(List.of("eu-west"), config.secondaries());
    assertEquals(URI.create("http://127.0.0.1:8082/tcs/"), config.regions().get("eu-west"));
    assertEquals(Duration.ofMillis(500), config.requestTimeout());
    assertEquals(256, config.maxInFlightPerRegion());
    assertEquals(new SidecarConfig.Cache(100_000, Duration.ofHours(1), Duration.ofSeconds(5), Duration.ofHours(1)), config.cache());
    assertEquals(new SidecarConfig.Hazelcast("tcs-us-east", List.of("127.0.0.1:5701")), config.hazelcast());
  }

  @Test
  void from_shippedFileWithEnvironment_parses() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject json =
          ConfigLoader.load(vertx, Path.of("../../config/sidecar.yaml"), Map.of("TCS_SIDECAR_SIDECAR_PRIMARY", "eu-west", "TCS_SIDECAR_AUTH_INVALIDATION_KEY", "test-secret-for-views-and-invalidations-0123456789"), "TCS_SIDECAR")
              .toCompletionStage()
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);

      SidecarConfig config = SidecarConfig.from(Settings.of("", json));

      assertEquals("eu-west", config.primary());
      assertEquals(List.of("us-east", "eu-west", "ap-south"), List.copyOf(config.regions().keySet()));
      assertEquals(8090, config.http().port());
    } finally {
      vertx.close();
    }
  }

  @Test
  void from_routing_defaultsToAdaptive_andBadValuesNameTheKey() {
    RoutingSettings routing = SidecarConfig.from(Settings.of("", minimal())).routing();
    assertEquals(new RoutingSettings(true, 5, Duration.ofSeconds(1), Duration.ofSeconds(30), true, 32, 4), routing);

    JsonObject limit = minimal();
    limit.getJsonObject("sidecar").put("routing", new JsonObject().put("lane-limit", "magic"));
    assertTrue(rejected(limit).getMessage().startsWith("sidecar.routing.lane-limit must be adaptive or fixed"), rejected(limit).getMessage());
    JsonObject initial = minimal();
    initial.getJsonObject("sidecar").put("max-in-flight-per-region", 16).put("routing", new JsonObject().put("initial-limit", 17));
    assertTrue(rejected(initial).getMessage().startsWith("sidecar.routing.initial-limit"), rejected(initial).getMessage());
    JsonObject max = minimal();
    max.getJsonObject("sidecar").put("routing", new JsonObject().put("eject-base", "10s").put("eject-max", "5s"));
    assertTrue(rejected(max).getMessage().startsWith("sidecar.routing.eject-max must be at least eject-base"), rejected(max).getMessage());
    JsonObject unknown = minimal();
    unknown.getJsonObject("sidecar").put("routing", new JsonObject().put("adaptiv", true));
    assertTrue(rejected(unknown).getMessage().startsWith("sidecar.routing.adaptiv is not a known key"), rejected(unknown).getMessage());
  }

  @Test
  void from_primaryNotARegion_namesSidecarPrimary() {
    JsonObject json = minimal();
    json.getJsonObject("sidecar").put("primary", "mars");

    ConfigException e = rejected(json);

    assertTrue(e.getMessage().startsWith("sidecar.primary must name one of the regions"), e.getMessage());
  }

  @Test
  void from_unknownKey_namesIt() {
    JsonObject json = minimal();
    json.getJsonObject("sidecar").put("request-timeuot", "1s");

    assertTrue(rejected(json).getMessage().startsWith("sidecar.request-timeuot is not a known key"));
  }

  @Test
  void from_urlNotPlainHttp_namesTheRegionUrl() {
    JsonObject json = minimal();
    json.getJsonObject("sidecar").getJsonObject("regions").put("eu-west", new JsonObject().put("url", "https://eu-west.example"));

    assertTrue(rejected(json).getMessage().startsWith("sidecar.regions.eu-west.url must be http://host:port"));
  }

  @Test
  void from_badRegionName_namesIt() {
    JsonObject json = minimal();
    json.getJsonObject("sidecar").getJsonObject("regions").put("EU West", new JsonObject().put("url", "http://127.0.0.1:1"));

    assertTrue(rejected(json).getMessage().startsWith("sidecar.regions.EU West is not a region name"));
  }

  @Test
  void from_zeroTimeoutOrBadSize_namesTheKey() {
    JsonObject timeout = minimal();
    timeout.getJsonObject("sidecar").put("request-timeout", "0ms");
    JsonObject size = minimal();
    size.getJsonObject("sidecar").put("cache", new JsonObject().put("maximum-size", 0));

    assertTrue(rejected(timeout).getMessage().startsWith("sidecar.request-timeout"));
    assertTrue(rejected(size).getMessage().startsWith("sidecar.cache.maximum-size"));
  }

  @Test
  void from_badHazelcastMember_namesIt() {
    JsonObject json = minimal();
    json.getJsonObject("hazelcast").put("members", new JsonArray().add("127.0.0.1"));

    assertTrue(rejected(json).getMessage().startsWith("hazelcast.members[0] must be host:port"));
  }

  @Test
  void from_noRegions_isRejected() {
    JsonObject json = minimal();
    json.getJsonObject("sidecar").put("regions", new JsonObject());

    assertTrue(rejected(json).getMessage().startsWith("sidecar.regions must list at least one region"));
  }

  @Test
  void from_snapshot_offUnlessConfigured_andValidatedWhenPresent() {
    assertTrue(SidecarConfig.from(Settings.of("", minimal())).snapshot().isEmpty());

    JsonObject json = minimal();
    json.getJsonObject("sidecar").put("snapshot", new JsonObject().put("path", "/tmp/s.snapshot").put("key", java.util.Base64.getEncoder().encodeToString(new byte[32])));
    assertEquals(Path.of("/tmp/s.snapshot"), SidecarConfig.from(Settings.of("", json)).snapshot().orElseThrow().path());

    json.getJsonObject("sidecar").getJsonObject("snapshot").put("key", "c2hvcnQ=");
    assertTrue(rejected(json).getMessage().startsWith("sidecar.snapshot.key must be base64 of a 256-bit AES key"));
  }
}
