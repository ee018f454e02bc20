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
 * tokens (the {@code tcs token} command, the demo) needs the private key. There is no default key:
 * a component without {@code auth.public-key} does not start, and the demo key of the repository
 * is refused outside the demo ({@link dev.tcs.core.security.DemoKeys}).
 *
 * @param publicKeyPem PEM text of the verifying key
 * @param privateKeyPem PEM text of the signing key, or null when this process only verifies
 * @param maxTokenLifetime the longest {@code exp - iat} (and {@code exp - now}) a token may have
 */
public record AuthConfig(
    String publicKeyPem, String privateKeyPem, String issuer, String audience, Duration leeway, Duration maxTokenLifetime) {
  /** The keys of an {@code auth} section, listed once for every component's config. */
  public static final List<String> KEYS =
      List.of("public-key", "private-key", "issuer", "audience", "leeway", "max-token-lifetime", "view-key", "invalidation-key");

  /** A token may be valid for at most this long ({@code exp - iat}) unless {@code auth.max-token-lifetime} says otherwise. */
  public static final Duration DEFAULT_MAX_TOKEN_LIFETIME = Duration.ofHours(24);

  public AuthConfig {
    if (maxTokenLifetime == null || maxTokenLifetime.isNegative() || maxTokenLifetime.isZero()) {
      throw new IllegalArgumentException("maxTokenLifetime must be positive, but was " + maxTokenLifetime);
    }
  }

  /** Keys with the default maximum token lifetime. */
  public AuthConfig(String publicKeyPem, String privateKeyPem, String issuer, String audience, Duration leeway) {
    this(publicKeyPem, privateKeyPem, issuer, audience, leeway, DEFAULT_MAX_TOKEN_LIFETIME);
  }

  /**
   * Checks section {@code auth} without reading its files: only {@link #KEYS}, a readable
   * {@code leeway}, a positive {@code max-token-lifetime}. A component's config does this at load,
   * so a typo fails early; the launcher reads the PEM files with {@link #from} once it knows the
   * config directory.
   */
  public static Settings check(Settings auth) {
    auth.allowOnly(KEYS);
    auth.duration("leeway", Duration.ofSeconds(5));
    Duration maxLifetime = auth.duration("max-token-lifetime", DEFAULT_MAX_TOKEN_LIFETIME);
    auth.check(!maxLifetime.isZero(), "max-token-lifetime", "must be positive");
    return auth;
  }

  /**
   * Reads section {@code auth}: {@code public-key} (required: there is no default key),
   * {@code private-key}, {@code issuer}, {@code audience}, {@code leeway},
   * {@code max-token-lifetime}; relative paths resolve against {@code baseDir}.
   */
  public static AuthConfig from(Settings auth, Path baseDir) {
    check(auth);
    auth.check(
        auth.json().getValue("public-key") instanceof String path && !path.isBlank(),
        "public-key",
        "is required: the PEM file of the public key that verifies bearer tokens (there is no default key)");
    String publicKey = readPem(auth, "public-key", baseDir);
    String privateKey = auth.has("private-key") && !String.valueOf(auth.json().getValue("private-key")).isBlank() ? readPem(auth, "private-key", baseDir) : null;
    Duration maxLifetime = auth.duration("max-token-lifetime", DEFAULT_MAX_TOKEN_LIFETIME);
    return new AuthConfig(
        publicKey,
        privateKey,
        auth.string("issuer", "tcs"),
        auth.string("audience", "tcs"),
        auth.duration("leeway", Duration.ofSeconds(5)),
        maxLifetime);
  }

  /** Names the keys without their text: this record may end up in a log line, and the private key must not. */
  @Override
  public String toString() {
    return "AuthConfig[publicKey=" + (publicKeyPem == null ? "none" : "PEM") + ", privateKey=" + (privateKeyPem == null ? "none" : "(redacted)")
        + ", issuer=" + issuer + ", audience=" + audience + ", leeway=" + leeway + ", maxTokenLifetime=" + maxTokenLifetime + "]";
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
