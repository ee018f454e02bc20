package dev.tcs.core.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.config.ConfigException;
import dev.tcs.core.config.Settings;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthConfigTest {

  private static Settings auth(JsonObject json) {
    return Settings.of("", new JsonObject().put("auth", json)).section("auth");
  }

  @Test
  void from_publicKeyOnly_verifyOnlyWithDefaults() {
    AuthConfig config = AuthConfig.from(auth(new JsonObject().put("public-key", "jwt-public.pem")), TokensTest.DEMO_KEYS);
    assertTrue(config.publicKeyPem().contains("-----BEGIN PUBLIC KEY-----"));
    assertNull(config.privateKeyPem());
    assertEquals("tcs", config.issuer());
    assertEquals("tcs", config.audience());
    assertEquals(Duration.ofSeconds(5), config.leeway());
  }

  @Test
  void from_missingPublicKey_namesKey() {
    ConfigException e = assertThrows(ConfigException.class, () -> AuthConfig.from(auth(new JsonObject()), TokensTest.DEMO_KEYS));
    assertTrue(e.getMessage().startsWith("auth.public-key is required"), e.getMessage());
  }

  /** Regression: every component file defaulted to the demo key, so a real deployment trusted it unless told otherwise. */
  @Test
  void from_shippedComponentFiles_nameNoKeyAndRefuseToStart() throws Exception {
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      for (String component : new String[] {"catalogue", "region", "sidecar"}) {
        JsonObject file = dev.tcs.core.config.ConfigLoader.load(vertx, Path.of("../../config/" + component + ".yaml"), java.util.Map.of(), "TCS").await();
        ConfigException e =
            assertThrows(ConfigException.class, () -> AuthConfig.from(Settings.of("", file).section("auth"), Path.of("../../config")), component);
        assertTrue(e.getMessage().startsWith("auth.public-key is required"), component + ": " + e.getMessage());
      }
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void from_maxTokenLifetime_readAndDefaulted() {
    assertEquals(AuthConfig.DEFAULT_MAX_TOKEN_LIFETIME, AuthConfig.from(auth(new JsonObject().put("public-key", "jwt-public.pem")), TokensTest.DEMO_KEYS).maxTokenLifetime());
    JsonObject json = new JsonObject().put("public-key", "jwt-public.pem").put("max-token-lifetime", "2h");
    assertEquals(Duration.ofHours(2), AuthConfig.from(auth(json), TokensTest.DEMO_KEYS).maxTokenLifetime());
    ConfigException e =
        assertThrows(ConfigException.class, () -> AuthConfig.from(auth(json.copy().put("max-token-lifetime", "0s")), TokensTest.DEMO_KEYS));
    assertTrue(e.getMessage().startsWith("auth.max-token-lifetime must be positive"), e.getMessage());
  }

  @Test
  void from_unreadableFile_namesKeyAndPath() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> AuthConfig.from(auth(new JsonObject().put("public-key", "nope.pem")), TokensTest.DEMO_KEYS));
    assertTrue(e.getMessage().startsWith("auth.public-key names "), e.getMessage());
    assertTrue(e.getMessage().contains("nope.pem"), e.getMessage());
  }

  @Test
  void from_fileWithoutPem_namesKey(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("key.txt"), "not a key");
    ConfigException e =
        assertThrows(ConfigException.class, () -> AuthConfig.from(auth(new JsonObject().put("public-key", "key.txt")), dir));
    assertTrue(e.getMessage().startsWith("auth.public-key must name a PEM file"), e.getMessage());
  }

  @Test
  void from_unknownKey_namesIt() {
    JsonObject json = new JsonObject().put("public-key", "jwt-public.pem").put("audiences", "tcs");
    ConfigException e = assertThrows(ConfigException.class, () -> AuthConfig.from(auth(json), TokensTest.DEMO_KEYS));
    assertTrue(e.getMessage().startsWith("auth.audiences is not a known key"), e.getMessage());
  }

  /** Regression: the record's generated toString printed the private key PEM into any log line that showed it. */
  @Test
  void toString_neverShowsKeyMaterial() {
    JsonObject json = new JsonObject().put("public-key", "jwt-public.pem").put("private-key", "jwt-private.pem").put("issuer", "tcs-demo");
    AuthConfig config = AuthConfig.from(auth(json), TokensTest.DEMO_KEYS);
    String text = config.toString();
    assertTrue(text.contains("tcs-demo"), text);
    assertTrue(!text.contains("PRIVATE KEY") && !text.contains(config.privateKeyPem().lines().skip(1).findFirst().orElseThrow()), text);
    assertTrue(!text.contains(config.publicKeyPem().lines().skip(1).findFirst().orElseThrow()), text);
  }
}
