package dev.tcs.core.auth;

import dev.tcs.core.config.ConfigException;
import dev.tcs.core.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Token settings: RS256 keys as PEM files, issuer and audience. Only the component that issues
 * tokens (the {@code tcs token} command, the demo) needs the private key.
 *
 * @param publicKeyPem PEM text of the verifying key
 * @param privateKeyPem PEM text of the signing key, or null when this process only verifies
 */
public record AuthConfig(String publicKeyPem, String privateKeyPem, String issuer, String audience, Duration leeway) {
  /** The keys of an {@code auth} section, listed once for every component's config. */
  public static final List<String> KEYS = List.of("public-key", "private-key", "issuer", "audience", "leeway");

  /**
   * Checks section {@code auth} without reading its files: only {@link #KEYS}, a readable
   * {@code leeway}. A component's config does this at load, so a typo fails early; the launcher
   * reads the PEM files with {@link #from} once it knows the config directory.
   */
  public static Settings check(Settings auth) {
    auth.allowOnly(KEYS);
    auth.duration("leeway", Duration.ofSeconds(5));
    return auth;
  }

  /** Reads section {@code auth}: {@code public-key}, {@code private-key}, {@code issuer}, {@code audience}; relative paths resolve against {@code baseDir}. */
  public static AuthConfig from(Settings auth, Path baseDir) {
    check(auth);
    String privateKey = auth.has("private-key") ? readPem(auth, "private-key", baseDir) : null;
    return new AuthConfig(
        readPem(auth, "public-key", baseDir),
        privateKey,
        auth.string("issuer", "tcs"),
        auth.string("audience", "tcs"),
        auth.duration("leeway", Duration.ofSeconds(5)));
  }

  /** Names the keys without their text: this record may end up in a log line, and the private key must not. */
  @Override
  public String toString() {
    return "AuthConfig[publicKey=" + (publicKeyPem == null ? "none" : "PEM") + ", privateKey=" + (privateKeyPem == null ? "none" : "(redacted)")
        + ", issuer=" + issuer + ", audience=" + audience + ", leeway=" + leeway + "]";
  }

  private static String readPem(Settings auth, String key, Path baseDir) {
    Path path = baseDir.resolve(auth.string(key));
    try {
      String pem = Files.readString(path);
      if (!pem.contains("-----BEGIN ")) {
        throw new ConfigException(auth.key(key) + " must name a PEM file, but " + path + " holds no PEM block");
      }
      return pem;
    } catch (IOException e) {
      throw new ConfigException(auth.key(key) + " names " + path + ", which cannot be read: " + e.getMessage(), e);
    }
  }
}
