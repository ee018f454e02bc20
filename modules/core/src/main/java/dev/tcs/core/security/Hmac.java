package dev.tcs.core.security;

import dev.tcs.core.config.ConfigException;
import dev.tcs.core.config.Settings;
import dev.tcs.core.model.ValidationException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 with a shared secret from config, for what travels where no token can: views on
 * the views topic (projector to regions) and invalidations on Hazelcast (region to regions and
 * sidecars). {@link #seal} and {@link #open} frame a text message as {@code <tag>.<message>},
 * where the tag is the base64url HMAC of the message; {@link #tag} and {@link #matches} work on
 * bytes. Comparison is constant-time. {@link #toString} never shows the secret. Thread-safe.
 */
public final class Hmac {
  /** The shortest secret accepted: 32 characters (256 bits of base64 text is 43). */
  public static final int MIN_SECRET_CHARS = 32;

  private static final String ALGORITHM = "HmacSHA256";
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private final SecretKeySpec key;
  private final String fingerprint;
  private final ThreadLocal<Mac> macs;

  private Hmac(String secret) {
    this.key = new SecretKeySpec(secret.trim().getBytes(StandardCharsets.UTF_8), ALGORITHM);
    this.fingerprint = DemoKeys.fingerprint(secret);
    this.macs = ThreadLocal.withInitial(this::newMac);
  }

  /** A key from a secret of at least {@link #MIN_SECRET_CHARS} characters. */
  public static Hmac of(String secret) {
    if (secret == null || secret.trim().length() < MIN_SECRET_CHARS) {
      throw new IllegalArgumentException("an HMAC secret must have at least " + MIN_SECRET_CHARS + " characters");
    }
    return new Hmac(secret);
  }

  /**
   * Reads the secret at {@code section.key} (usually set from the environment, e.g.
   * {@code TCS_REGION_AUTH_VIEW_KEY}); there is no default. The error names the key and never
   * shows the value.
   */
  public static Hmac fromConfig(Settings section, String key) {
    Object value = section.json().getValue(key);
    if (!(value instanceof String secret) || secret.trim().length() < MIN_SECRET_CHARS) {
      String seen = value == null || (value instanceof String text && text.isBlank()) ? "missing" : "a value of " + String.valueOf(value).trim().length() + " characters";
      throw new ConfigException(
          section.key(key) + " is required: a shared secret of at least " + MIN_SECRET_CHARS + " characters (there is no default key), but was " + seen);
    }
    return new Hmac(secret);
  }

  /** SHA-256 of the secret, to recognise the demo's ({@link DemoKeys}); not the secret. */
  public String fingerprint() {
    return fingerprint;
  }

  /** The base64url HMAC of {@code bytes}. */
  public String tag(byte[] bytes) {
    return ENCODER.encodeToString(macs.get().doFinal(bytes));
  }

  /** True when {@code tag} is the HMAC of {@code bytes} (constant-time). */
  public boolean matches(byte[] bytes, String tag) {
    if (tag == null) {
      return false;
    }
    byte[] expected = tag(bytes).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, tag.getBytes(StandardCharsets.US_ASCII));
  }

  /** {@code <tag>.<message>}. */
  public String seal(String message) {
    return tag(message.getBytes(StandardCharsets.UTF_8)) + "." + message;
  }

  /**
   * The message inside a {@link #seal sealed} text.
   *
   * @throws ValidationException (field {@code signature}) when it carries no tag or a wrong one
   */
  public String open(String sealed) {
    int dot = sealed == null ? -1 : sealed.indexOf('.');
    if (dot <= 0) {
      throw new ValidationException("signature", "message carries no signature");
    }
    String message = sealed.substring(dot + 1);
    if (!matches(message.getBytes(StandardCharsets.UTF_8), sealed.substring(0, dot))) {
      throw new ValidationException("signature", "message signature does not match");
    }
    return message;
  }

  @Override
  public String toString() {
    return "Hmac[sha256 " + fingerprint.substring(0, 12) + "...]";
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " is missing from this JVM", e);
    }
  }
}
