package dev.tcs.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.config.ConfigException;
import dev.tcs.core.config.ConfigLoader;
import dev.tcs.core.config.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegionConfigTest {
  private static final Path FILE = Path.of("../../config/region.yaml");
  private static final String KEY = "test-secret-for-views-and-invalidations-0123456789";

  @Test
  void from_shippedFile_readsEveryKey() {
    RegionConfig config = RegionConfig.from(Settings.of("", load(Map.of("TCS_REGION_AUTH_PUBLIC_KEY", "keys/jwt-public.pem"))));
    assertEquals("127.0.0.1", config.host());
    assertEquals(8081, config.port());
    assertEquals("us-east", config.name());
    assertEquals("tcs-views-us-east", config.table());
    assertEquals("tcs-ingest-us-east", config.ingestGroup());
    assertEquals("tcs.views", config.viewsTopic());
    assertEquals(2, config.readInstances());
    assertEquals(100_000, config.cache().maximumSize());
    assertEquals(Duration.ofMinutes(10), config.cache().expireAfterWrite());
    assertEquals(Duration.ofMinutes(1), config.cache().refreshAfterWrite());
    assertEquals(Duration.ofSeconds(5), config.cache().negativeTtl());
    assertEquals(10_000, config.invalidation().queueSize());
    assertEquals(Duration.ofSeconds(1), config.invalidation().publishTimeout());
    assertEquals(new RegionConfig.Hazelcast("tcs-us-east", "127.0.0.1", 5701, List.of("127.0.0.1:5701")), config.hazelcast());
    assertEquals("127.0.0.1:9092", config.kafka().bootstrapServers());
    assertEquals("keys/jwt-public.pem", config.auth().string("public-key"));
  }

  @Test
  void from_httpTls_readsCertificateKeyAndClientCa() {
    io.vertx.core.net.SelfSignedCertificate cert = io.vertx.core.net.SelfSignedCertificate.create("localhost");
    JsonObject json = minimal();
    json.put("http", new JsonObject().put("tls", new JsonObject().put("cert", cert.certificatePath()).put("key", cert.privateKeyPath()).put("client-ca", cert.certificatePath())));
    RegionConfig config = RegionConfig.from(Settings.of("", json));
    assertEquals(new dev.tcs.core.http.Tls.Server(cert.certificatePath(), cert.privateKeyPath(), cert.certificatePath()), config.tls());
    assertEquals(null, RegionConfig.from(Settings.of("", load(Map.of("TCS_REGION_AUTH_PUBLIC_KEY", "k.pem")))).tls(), "the shipped file: h2c");
  }

  /** Regression: a forged view could claim any version; the region needs the projector's key to tell. */
  @Test
  void from_missingViewOrInvalidationKey_namesIt() {
    for (String key : new String[] {"view-key", "invalidation-key"}) {
      JsonObject json = minimal();
      json.getJsonObject("auth").remove(key);
      ConfigException e = assertThrows(ConfigException.class, () -> RegionConfig.from(Settings.of("", json)));
      assertTrue(e.getMessage().startsWith("auth." + key + " is required"), e.getMessage());
    }
  }

  @Test
  void from_shippedFileWithoutKey_refusesNamingIt() {
    ConfigException e = assertThrows(ConfigException.class, () -> RegionConfig.from(Settings.of("", load(Map.of()))));
    assertTrue(e.getMessage().startsWith("auth.public-key"), e.getMessage());
  }

  @Test
  void from_environmentOverrides_win() {
    RegionConfig config =
        RegionConfig.from(
            Settings.of("", load(Map.of("TCS_REGION_AUTH_PUBLIC_KEY", "k.pem", "TCS_REGION_REGION_NAME", "eu-west", "TCS_REGION_HTTP_PORT", "8082", "TCS_REGION_HAZELCAST_CLUSTER_NAME", "tcs-eu-west"))));
    assertEquals("eu-west", config.name());
    assertEquals(8082, config.port());
    assertEquals("tcs-views-eu-west", config.table());
    assertEquals("tcs-eu-west", config.hazelcast().clusterName());
  }

  @Test
  void from_minimalFile_usesDefaults() {
    JsonObject json = minimal();
    RegionConfig config = RegionConfig.from(Settings.of("", json));
    assertEquals(8081, config.port());
    assertEquals("tcs-views-ap-south", config.table());
    assertEquals(2, config.readInstances());
    assertEquals(new RegionConfig.Hazelcast("tcs-ap-south", "127.0.0.1", 5701, List.of("127.0.0.1:5701")), config.hazelcast());
  }

  @Test
  void from_hazelcastHost_isInTheRecordTheLauncherUses() {
    JsonObject json = minimal().put("hazelcast", new JsonObject().put("host", "10.0.0.5").put("port", 5801));
    RegionConfig config = RegionConfig.from(Settings.of("", json));
    assertEquals(new RegionConfig.Hazelcast("tcs-ap-south", "10.0.0.5", 5801, List.of("10.0.0.5:5801")), config.hazelcast());

    JsonObject bad = minimal().put("hazelcast", new JsonObject().put("host", "a b"));
    ConfigException e = assertThrows(ConfigException.class, () -> RegionConfig.from(Settings.of("", bad)));
    assertTrue(e.getMessage().contains("hazelcast.host"), e.getMessage());
  }

  @Test
  void load_environmentVariableMatchingNoKey_stopsStartNamingIt() {
    ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of("TCS_REGION_KAFKA_COMMIT_INTERVAL", "5s")));
    assertTrue(e.getMessage().contains("TCS_REGION_KAFKA_COMMIT_INTERVAL"), e.getMessage());
  }

  @Test
  void from_unknownKey_namesIt() {
    JsonObject json = minimal();
    json.getJsonObject("region").getJsonObject("cache").put("maximum-sise", 5);
    ConfigException e = assertThrows(ConfigException.class, () -> RegionConfig.from(Settings.of("", json)));
    assertTrue(e.getMessage().contains("region.cache.maximum-sise"), e.getMessage());
  }

  @Test
  void from_unknownTopLevelSection_namesIt() {
    JsonObject json = minimal().put("regoin", new JsonObject());
    ConfigException e = assertThrows(ConfigException.class, () -> RegionConfig.from(Settings.of("", json)));
    assertTrue(e.getMessage().contains("regoin"), e.getMessage());
  }

  @Test
  void from_badRegionName_namesIt() {
    JsonObject json = minimal();
    json.getJsonObject("region").put("name", "US East");
    ConfigException e = assertThrows(ConfigException.class, () -> RegionConfig.from(Settings.of("", json)));
    assertTrue(e.getMessage().startsWith("region.name must match"), e.getMessage());
  }

  @Test
  void from_missingRegionName_namesIt() {
    JsonObject json = minimal();
    json.getJsonObject("region").remove("name");
    ConfigException e = assertThrows(ConfigException.class, () -> RegionConfig.from(Settings.of("", json)));
    assertTrue(e.getMessage().startsWith("region.name is required"), e.getMessage());
  }

  @Test
  void from_refreshNotShorterThanExpiry_namesIt() {
    JsonObject json = minimal();
    json.getJsonObject("region").getJsonObject("cache").put("expire-after-write", "1m").put("refresh-after-write", "1m");
    ConfigException e = assertThrows(ConfigException.class, () -> RegionConfig.from(Settings.of("", json)));
    assertTrue(e.getMessage().startsWith("region.cache.refresh-after-write"), e.getMessage());
  }

  @Test
  void from_badDuration_namesIt() {
    JsonObject json = minimal();
    json.getJsonObject("region").getJsonObject("cache").put("negative-ttl", "soon");
    ConfigException e = assertThrows(ConfigException.class, () -> RegionConfig.from(Settings.of("", json)));
    assertTrue(e.getMessage().startsWith("region.cache.negative-ttl"), e.getMessage());
  }

  @Test
  void from_readInstancesOutOfRange_namesIt() {
    JsonObject json = minimal();
    json.getJsonObject("region").put("read-instances", 0);
    ConfigException e = assertThrows(ConfigException.class, () -> RegionConfig.from(Settings.of("", json)));
    assertTrue(e.getMessage().startsWith("region.read-instances"), e.getMessage());
  }

  @Test
  void from_badHazelcastMember_namesIt() {
    JsonObject json = minimal().put("hazelcast", new JsonObject().put("members", List.of("127.0.0.1")));
    ConfigException e = assertThrows(ConfigException.class, () -> RegionConfig.from(Settings.of("", json)));
    assertTrue(e.getMessage().startsWith("hazelcast.members[0]"), e.getMessage());
  }

  @Test
  void from_badTopic_namesIt() {
    JsonObject json = minimal();
    json.getJsonObject("region").put("views-topic", "tcs views");
    ConfigException e = assertThrows(ConfigException.class, () -> RegionConfig.from(Settings.of("", json)));
    assertTrue(e.getMessage().startsWith("region.views-topic"), e.getMessage());
  }

  private static JsonObject minimal() {
    return new JsonObject()
        .put("kafka", new JsonObject().put("bootstrap-servers", "127.0.0.1:9092"))
        .put("dynamodb", new JsonObject().put("endpoint", "http://127.0.0.1:8000"))
        .put("auth", new JsonObject().put("public-key", "demo-keys/jwt-public.pem").put("view-key", KEY).put("invalidation-key", KEY))
        .put("region", new JsonObject().put("name", "ap-south").put("cache", new JsonObject()));
  }

  private static JsonObject load(Map<String, String> env) {
    Vertx vertx = Vertx.vertx();
    try {
      Map<String, String> withKeys = new java.util.HashMap<>(env);
      if (withKeys.containsKey("TCS_REGION_AUTH_PUBLIC_KEY")) {
        withKeys.putIfAbsent("TCS_REGION_AUTH_VIEW_KEY", KEY);
        withKeys.putIfAbsent("TCS_REGION_AUTH_INVALIDATION_KEY", KEY);
      }
      return ConfigLoader.load(vertx, FILE, withKeys, "TCS_REGION").await();
    } finally {
      vertx.close().await();
    }
  }
}
