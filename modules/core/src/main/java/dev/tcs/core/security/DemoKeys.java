package dev.tcs.core.security;

import dev.tcs.core.config.ConfigException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

/**
 * Recognises the keys committed with the demo ({@code config/demo-keys}, the secrets of {@code demo.yaml}) by fingerprint, wherever they are
 * copied to, and refuses them outside {@code ./tcs demo}: anyone with the repository can sign
 * with them.
 *
 * <p>One exception, for experiments: a component started by hand next to a running demo may use
 * them with the explicit option {@code --insecure-join-demo}, and only while every address it
 * binds is a loopback address, so nothing beyond this machine can reach a component that trusts
 * them.
 *
 * <p>A fingerprint is the SHA-256 of the key: of its DER bytes for a PEM file (so re-wrapping
 * the PEM text does not hide it), of its trimmed text for a shared secret.
 */
public final class DemoKeys {
  /** {@code config/demo-keys/jwt-public.pem}. */
  static final String JWT_PUBLIC = "c03561d3564668a4471a8b5fe08f092f945225d11302add06776b3f0564c3ab1";

  /** {@code auth.view-key} of {@code config/demo.yaml}. */
  static final String VIEW_HMAC = "d0ce87d018fd24d7ade9940a32ee57475906745a3a6b433d24c80b80f7d6a15b";

  /** {@code auth.invalidation-key} of {@code config/demo.yaml}. */
  static final String INVALIDATION_HMAC = "ea85f51dc52ffa15aa78c25575814fc6125ad74ee68997a5b8ec5e3139483f1d";

  private static final Map<String, String> DEMO = Map.of(
      JWT_PUBLIC, "config/demo-keys/jwt-public.pem",
      VIEW_HMAC, "auth.view-key of config/demo.yaml",
      INVALIDATION_HMAC, "auth.invalidation-key of config/demo.yaml");

  private DemoKeys() {}

  /** The SHA-256 fingerprint (hex) of a PEM key or a shared secret's text. */
  public static String fingerprint(String keyText) {
    byte[] bytes;
    if (keyText.contains("-----BEGIN ")) {
      String body = keyText.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
      bytes = Base64.getMimeDecoder().decode(body);
    } else {
      bytes = keyText.trim().getBytes(StandardCharsets.UTF_8);
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** True when {@code keyText} is one of the repository's demo keys. */
  public static boolean isDemo(String keyText) {
    return keyText != null && DEMO.containsKey(fingerprint(keyText));
  }

  /**
   * Fails unless {@code keyText} (read from config key {@code configKey}) may be used by a
   * component outside the demo: it is not a demo key, or {@code insecureJoinDemo} is set and every
   * address in {@code binds} (config key to host) is a loopback address.
   *
   * @return true when the key is a demo key that was allowed (the caller logs a warning)
   * @throws ConfigException naming the key and what to do instead
   */
  public static boolean refuseOutsideDemo(String configKey, String keyText, boolean insecureJoinDemo, Map<String, String> binds) {
    if (!isDemo(keyText)) {
      return false;
    }
    String which = DEMO.get(fingerprint(keyText));
    if (!insecureJoinDemo) {
      throw new ConfigException(
          configKey + " is the demo key " + which + " (sha256 " + fingerprint(keyText).substring(0, 16)
              + "...), which anyone with the repository holds; configure a key of your own (see SECURITY.md), or pass"
              + " --insecure-join-demo to join a running ./tcs demo on loopback");
    }
    for (Map.Entry<String, String> bind : binds.entrySet()) {
      if (!isLoopback(bind.getValue())) {
        throw new ConfigException(
            bind.getKey() + " must be a loopback address with --insecure-join-demo (" + configKey + " is the demo key), but was '"
                + bind.getValue() + "'");
      }
    }
    return true;
  }

  /** True for a literal or name that resolves only to loopback addresses ({@code 0.0.0.0} is not one). */
  static boolean isLoopback(String host) {
    try {
      InetAddress[] addresses = InetAddress.getAllByName(host);
      for (InetAddress address : addresses) {
        if (!address.isLoopbackAddress()) {
          return false;
        }
      }
      return addresses.length > 0;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
