package dev.tcs.core.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoKeysTest {
  private static final Path DEMO_KEYS = Path.of("../../config/demo-keys");

  @Test
  void fingerprint_repositoryDemoKeys_areKnown() throws Exception {
    assertEquals(DemoKeys.JWT_PUBLIC, DemoKeys.fingerprint(Files.readString(DEMO_KEYS.resolve("jwt-public.pem"))));
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      var demo = dev.tcs.core.config.ConfigLoader.load(vertx, Path.of("../../config/demo.yaml"), Map.of(), "TCS_DEMO").await().getJsonObject("auth");
      assertEquals(DemoKeys.VIEW_HMAC, DemoKeys.fingerprint(demo.getString("view-key")));
      assertEquals(DemoKeys.INVALIDATION_HMAC, DemoKeys.fingerprint(demo.getString("invalidation-key")));
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void isDemo_rewrappedPem_stillRecognised() throws Exception {
    String pem = Files.readString(DEMO_KEYS.resolve("jwt-public.pem"));
    String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    String rewrapped = "-----BEGIN PUBLIC KEY-----\n" + body.replaceAll("(.{40})", "$1\n") + "\n-----END PUBLIC KEY-----\n";
    assertTrue(DemoKeys.isDemo(rewrapped));
  }

  @Test
  void refuseOutsideDemo_demoKeyWithoutOption_refusedNamingKey() throws Exception {
    String pem = Files.readString(DEMO_KEYS.resolve("jwt-public.pem"));
    ConfigException e =
        assertThrows(ConfigException.class, () -> DemoKeys.refuseOutsideDemo("auth.public-key", pem, false, Map.of("http.host", "127.0.0.1")));
    assertTrue(e.getMessage().startsWith("auth.public-key is the demo key"), e.getMessage());
    assertTrue(e.getMessage().contains("--insecure-join-demo"), e.getMessage());
  }

  @Test
  void refuseOutsideDemo_insecureOptionOnLoopback_allowed() throws Exception {
    String pem = Files.readString(DEMO_KEYS.resolve("jwt-public.pem"));
    assertTrue(DemoKeys.refuseOutsideDemo("auth.public-key", pem, true, Map.of("http.host", "127.0.0.1", "hazelcast.host", "localhost")));
  }

  @Test
  void refuseOutsideDemo_insecureOptionOnAnyInterface_refusedNamingBind() throws Exception {
    String pem = Files.readString(DEMO_KEYS.resolve("jwt-public.pem"));
    ConfigException e =
        assertThrows(ConfigException.class, () -> DemoKeys.refuseOutsideDemo("auth.public-key", pem, true, Map.of("http.host", "0.0.0.0")));
    assertTrue(e.getMessage().startsWith("http.host must be a loopback address"), e.getMessage());
  }

  @Test
  void refuseOutsideDemo_ownKey_accepted() throws Exception {
    var pair = KeyPairGenerator.getInstance("RSA").generateKeyPair();
    String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(pair.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    assertFalse(DemoKeys.refuseOutsideDemo("auth.public-key", pem, false, Map.of("http.host", "0.0.0.0")));
  }
}
