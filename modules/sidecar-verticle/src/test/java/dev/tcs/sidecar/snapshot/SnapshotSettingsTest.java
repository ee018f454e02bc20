package dev.tcs.sidecar.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.config.ConfigException;
import dev.tcs.core.config.Settings;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SnapshotSettingsTest {
  private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);

  private static SnapshotSettings read(JsonObject json) {
    return SnapshotSettings.from(Settings.of("sidecar.snapshot", json));
  }

  @Test
  void from_pathAndKey_defaultsInterval() {
    SnapshotSettings settings = read(new JsonObject().put("path", "/tmp/x/sidecar.snapshot").put("key", KEY));

    assertEquals(Path.of("/tmp/x/sidecar.snapshot"), settings.path());
    assertEquals(Duration.ofSeconds(30), settings.interval());
    assertEquals(32, settings.key().getEncoded().length);
    assertFalse(settings.toString().contains(KEY), "the key is shown");
  }

  @Test
  void from_keyOfWrongLength_isRejectedNamingKeyNotValue() {
    String shortKey = Base64.getEncoder().encodeToString(new byte[16]);

    ConfigException e = assertThrows(ConfigException.class, () -> read(new JsonObject().put("path", "s").put("key", shortKey)));

    assertTrue(e.getMessage().startsWith("sidecar.snapshot.key must be base64 of a 256-bit AES key"), e.getMessage());
    assertTrue(e.getMessage().contains("decoded to 16 bytes"), e.getMessage());
    assertFalse(e.getMessage().contains(shortKey), "the key is shown");
  }

  @Test
  void from_keyNotBase64_isRejectedNamingKeyNotValue() {
    ConfigException e = assertThrows(ConfigException.class, () -> read(new JsonObject().put("path", "s").put("key", "not*base64!")));

    assertTrue(e.getMessage().contains("sidecar.snapshot.key") && e.getMessage().contains("not base64"), e.getMessage());
    assertFalse(e.getMessage().contains("not*base64!"), "the key is shown");
  }

  @Test
  void from_missingKeyOrBadInterval_isRejectedNamingIt() {
    assertTrue(assertThrows(ConfigException.class, () -> read(new JsonObject().put("path", "s"))).getMessage().startsWith("sidecar.snapshot.key is required"));
    assertTrue(assertThrows(ConfigException.class, () -> read(new JsonObject().put("key", KEY))).getMessage().startsWith("sidecar.snapshot.path is required"));
    assertTrue(
        assertThrows(ConfigException.class, () -> read(new JsonObject().put("path", "s").put("key", KEY).put("interval", "10ms")))
            .getMessage().startsWith("sidecar.snapshot.interval must be between 1s and 1d"));
    assertTrue(
        assertThrows(ConfigException.class, () -> read(new JsonObject().put("path", "s").put("key", KEY).put("size", 1)))
            .getMessage().contains("size"));
  }
}
