package dev.tcs.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.config.ConfigException;
import dev.tcs.core.config.ConfigLoader;
import dev.tcs.core.config.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CatalogueConfigTest {
  private static JsonObject minimal() {
    return new JsonObject().put("kafka", new JsonObject().put("bootstrap-servers", "127.0.0.1:9092"));
  }

  @Test
  void from_minimalFile_usesDefaults() {
    CatalogueConfig config = CatalogueConfig.from(Settings.of("", minimal()));

    assertEquals("127.0.0.1", config.host());
    assertEquals(8080, config.port());
    assertEquals("tcs-catalogue", config.table());
    assertEquals("tcs.catalogue.events", config.topic());
    assertEquals(4, config.eventsPartitions());
    assertEquals(Duration.ofSeconds(2), config.relayInterval());
    assertEquals(16, config.relayConcurrency());
    assertEquals(Duration.ofSeconds(1), config.relayMarkDelay());
    assertEquals(Duration.ofMillis(25), config.relayPublishLinger());
    assertTrue(config.relayEnabled());
    assertEquals(4, config.writeAttempts());
    assertEquals(16, config.appendGroupMax());
    assertEquals(2, config.appendInFlight());
  }

  @Test
  void from_repositoryFileWithEnvOverride_isValid() {
    Path file = repositoryConfig();
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject json =
          ConfigLoader.load(vertx, file, Map.of("TCS_CATALOGUE_HTTP_PORT", "9999", "TCS_CATALOGUE_CATALOGUE_TABLE", "other-table"), "TCS_CATALOGUE").await();
      CatalogueConfig config = CatalogueConfig.from(Settings.of("", json));
      assertEquals(9999, config.port());
      assertEquals("other-table", config.table());
      assertEquals("127.0.0.1:9092", config.kafka().bootstrapServers());
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void from_unknownCatalogueKey_failsNamingIt() {
    JsonObject json = minimal().put("catalogue", new JsonObject().put("tabel", "x"));

    ConfigException e = assertThrows(ConfigException.class, () -> CatalogueConfig.from(Settings.of("", json)));

    assertTrue(e.getMessage().contains("catalogue.tabel"), e.getMessage());
  }

  @Test
  void from_unknownSection_failsNamingIt() {
    ConfigException e = assertThrows(ConfigException.class, () -> CatalogueConfig.from(Settings.of("", minimal().put("regions", new JsonObject()))));

    assertTrue(e.getMessage().contains("regions"), e.getMessage());
  }

  @Test
  void from_badValues_failNamingTheKey() {
    assertKeyNamed(minimal().put("catalogue", new JsonObject().put("events-partitions", 0)), "catalogue.events-partitions");
    assertKeyNamed(minimal().put("catalogue", new JsonObject().put("relay-interval", "soon")), "catalogue.relay-interval");
    assertKeyNamed(minimal().put("catalogue", new JsonObject().put("relay-mark-delay", "2m")), "catalogue.relay-mark-delay");
    assertKeyNamed(minimal().put("catalogue", new JsonObject().put("relay-publish-linger", "2s")), "catalogue.relay-publish-linger");
    assertKeyNamed(minimal().put("catalogue", new JsonObject().put("table", "a b")), "catalogue.table");
    assertKeyNamed(minimal().put("catalogue", new JsonObject().put("append-group-max", 51)), "catalogue.append-group-max");
    assertKeyNamed(minimal().put("catalogue", new JsonObject().put("append-in-flight", 0)), "catalogue.append-in-flight");
    assertKeyNamed(minimal().put("catalogue", new JsonObject().put("topic", "bad topic!")), "catalogue.topic");
    assertKeyNamed(minimal().put("http", new JsonObject().put("port", 70000)), "http.port");
    assertKeyNamed(minimal().put("auth", new JsonObject().put("public-kee", "x")), "auth.public-kee");
    assertKeyNamed(new JsonObject(), "kafka.bootstrap-servers");
  }

  private static void assertKeyNamed(JsonObject json, String key) {
    ConfigException e = assertThrows(ConfigException.class, () -> CatalogueConfig.from(Settings.of("", json)));
    assertTrue(e.getMessage().contains(key), e.getMessage());
  }

  private static Path repositoryConfig() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("config/catalogue.yaml"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("config/catalogue.yaml not found");
    }
    return dir.resolve("config/catalogue.yaml");
  }
}
