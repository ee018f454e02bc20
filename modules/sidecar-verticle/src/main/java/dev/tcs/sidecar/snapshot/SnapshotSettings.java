package dev.tcs.sidecar.snapshot;

import dev.tcs.core.config.ConfigException;
import dev.tcs.core.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Where and how the sidecar keeps its encrypted cache snapshot ({@code sidecar.snapshot}; off when
 * the section is absent).
 *
 * <pre>
 * sidecar:
 *   snapshot:
 *     path: /var/lib/tcs/sidecar.snapshot   # written atomically (a temp file beside it, then a rename)
 *     key: ...                              # base64 of 32 random bytes (AES-256), e.g. openssl rand -base64 32
 *     interval: 30s                         # also written at stop
 * </pre>
 *
 * @param path the snapshot file
 * @param key the AES-256 key that seals it (never logged, never shown in an error)
 * @param interval how often it is written while running
 */
public record SnapshotSettings(Path path, SecretKey key, Duration interval) {
  /** AES-256. */
  static final int KEY_BYTES = 32;

  public SnapshotSettings {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(interval, "interval");
  }

  /** Reads and validates a {@code snapshot} section; a bad key stops start-up naming it. */
  public static SnapshotSettings from(Settings snapshot) {
    snapshot.allowOnly("path", "key", "interval");
    String file = snapshot.string("path");
    Path path;
    try {
      path = Path.of(file.trim());
    } catch (RuntimeException e) {
      throw new ConfigException(snapshot.key("path") + " must be a file path, but was '" + file + "'");
    }
    if (path.getFileName() == null) {
      throw new ConfigException(snapshot.key("path") + " must name a file, but was '" + file + "'");
    }
    Duration interval = snapshot.duration("interval", Duration.ofSeconds(30));
    snapshot.check(interval.compareTo(Duration.ofSeconds(1)) >= 0 && interval.compareTo(Duration.ofDays(1)) <= 0, "interval", "must be between 1s and 1d");
    return new SnapshotSettings(path, readKey(snapshot), interval);
  }

  /** The key is a secret: errors name the key and the rule, never the value. */
  private static SecretKey readKey(Settings snapshot) {
    String text = snapshot.string("key");
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(text.trim());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(snapshot.key("key") + " must be base64 of a 256-bit AES key (e.g. openssl rand -base64 32), but was not base64 (value not shown)");
    }
    if (bytes.length != KEY_BYTES) {
      throw new ConfigException(
          snapshot.key("key") + " must be base64 of a 256-bit AES key (" + KEY_BYTES + " bytes, e.g. openssl rand -base64 32), but decoded to "
              + bytes.length + " bytes (value not shown)");
    }
    return new SecretKeySpec(bytes, "AES");
  }

  @Override
  public String toString() {
    return "SnapshotSettings[path=" + path + ", key=(hidden), interval=" + interval + "]";
  }
}
