package dev.tcs.core.http;

import dev.tcs.core.config.ConfigException;
import dev.tcs.core.config.Settings;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * TLS for the HTTP servers and the sidecar's region client, from PEM files. A server with
 * {@code http.tls.cert} and {@code http.tls.key} serves HTTPS only, with HTTP/2 negotiated by
 * ALPN (and HTTP/1.1 for clients that offer only it); with {@code http.tls.client-ca} as well it
 * requires a client certificate signed by that CA (mutual TLS, e.g. regions accepting only their
 * sidecars). Empty keys mean no TLS: the demo's h2c on loopback.
 */
public final class Tls {
  private Tls() {}

  /**
   * A server's certificate and key, and optionally the CA its clients' certificates must chain to.
   *
   * @param clientCaPath null: no client certificate asked for
   */
  public record Server(String certPath, String keyPath, String clientCaPath) {}

  /**
   * How a client checks a server and proves itself.
   *
   * @param trustPath CA (PEM) the server's certificate must chain to; null: the JVM's trust store
   * @param certPath the client's certificate for mutual TLS, or null
   * @param keyPath the client's key for mutual TLS, or null
   */
  public record Client(String trustPath, String certPath, String keyPath) {
    public static final Client DEFAULT = new Client(null, null, null);
  }

  /** Reads subsection {@code tls} of a server's {@code http} section: {@code cert}, {@code key}, {@code client-ca}; null when {@code cert} is absent or empty. */
  public static Server server(Settings http) {
    Settings tls = http.section("tls").allowOnly("cert", "key", "client-ca");
    String cert = file(tls, "cert");
    String key = file(tls, "key");
    if (cert == null && key == null) {
      if (file(tls, "client-ca") != null) {
        throw new ConfigException(tls.key("client-ca") + " needs " + tls.key("cert") + " and " + tls.key("key") + " (mutual TLS is TLS)");
      }
      return null;
    }
    if (cert == null || key == null) {
      throw new ConfigException(tls.key(cert == null ? "cert" : "key") + " is required when " + tls.key(cert == null ? "key" : "cert") + " is set");
    }
    return new Server(cert, key, file(tls, "client-ca"));
  }

  /** Reads a client's {@code tls} section: {@code trust}, {@code cert}, {@code key} (cert and key together). */
  public static Client client(Settings tls) {
    tls.allowOnly("trust", "cert", "key");
    String cert = file(tls, "cert");
    String key = file(tls, "key");
    if ((cert == null) != (key == null)) {
      throw new ConfigException(tls.key(cert == null ? "cert" : "key") + " is required when " + tls.key(cert == null ? "key" : "cert") + " is set");
    }
    return new Client(file(tls, "trust"), cert, key);
  }

  /** {@code options} serving HTTPS (ALPN: h2, http/1.1) when {@code tls} is not null. */
  public static HttpServerOptions apply(HttpServerOptions options, Server tls) {
    if (tls == null) {
      return options;
    }
    options.setSsl(true).setUseAlpn(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certPath()).setKeyPath(tls.keyPath()));
    if (tls.clientCaPath() != null) {
      options.setClientAuth(ClientAuth.REQUIRED).setTrustOptions(new PemTrustOptions().addCertPath(tls.clientCaPath()));
    }
    return options;
  }

  /** {@code options} speaking HTTPS with ALPN, checking the server's certificate and host name. */
  public static HttpClientOptions apply(HttpClientOptions options, Client tls) {
    options.setSsl(true).setUseAlpn(true).setVerifyHost(true);
    if (tls.trustPath() != null) {
      options.setTrustOptions(new PemTrustOptions().addCertPath(tls.trustPath()));
    }
    if (tls.certPath() != null) {
      options.setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certPath()).setKeyPath(tls.keyPath()));
    }
    return options;
  }

  private static String file(Settings tls, String key) {
    Object value = tls.json().getValue(key);
    if (value == null || (value instanceof String text && text.isBlank())) {
      return null;
    }
    String path = tls.string(key);
    if (!Files.isReadable(Path.of(path))) {
      throw new ConfigException(tls.key(key) + " must name a readable PEM file, but was '" + path + "'");
    }
    return path;
  }
}
