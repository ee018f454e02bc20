package dev.tcs.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.config.ConfigException;
import dev.tcs.core.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SelfSignedCertificate;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every component's server goes through {@link HttpServers#options} and {@link Tls#apply}: HTTPS with ALPN, and mutual TLS. */
class TlsTest {
  private static Vertx vertx;
  private static SelfSignedCertificate server;
  private static SelfSignedCertificate client;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    server = SelfSignedCertificate.create("localhost");
    client = SelfSignedCertificate.create("localhost");
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void server_emptyTlsSection_isCleartext() {
    JsonObject http = new JsonObject().put("tls", new JsonObject().put("cert", "").put("key", "").put("client-ca", ""));
    assertNull(Tls.server(Settings.of("http", http)));
    assertNull(Tls.server(Settings.of("http", new JsonObject())));
  }

  @Test
  void server_halfConfiguredOrMissingFile_namesTheKey() {
    ConfigException half =
        assertThrows(ConfigException.class, () -> Tls.server(Settings.of("http", new JsonObject().put("tls", new JsonObject().put("cert", server.certificatePath())))));
    assertTrue(half.getMessage().startsWith("http.tls.key is required"), half.getMessage());
    ConfigException missing =
        assertThrows(ConfigException.class, () -> Tls.server(Settings.of("http", new JsonObject().put("tls", new JsonObject().put("cert", "/nope.pem").put("key", "/nope.key")))));
    assertTrue(missing.getMessage().startsWith("http.tls.cert must name a readable PEM file"), missing.getMessage());
  }

  @Test
  void server_withTls_speaksHttp2ByAlpn() throws Exception {
    HttpServer https = listen(new Tls.Server(server.certificatePath(), server.privateKeyPath(), null));
    HttpClientAgent agent = vertx.createHttpClient(clientOptions(false));
    try {
      assertEquals("200 HTTP_2", get(agent, https.actualPort()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    } finally {
      agent.close().await();
      https.close().await();
    }
  }

  @Test
  void server_withClientCa_requiresAClientCertificate() throws Exception {
    HttpServer https = listen(new Tls.Server(server.certificatePath(), server.privateKeyPath(), client.certificatePath()));
    HttpClientAgent withCert = vertx.createHttpClient(clientOptions(true));
    HttpClientAgent without = vertx.createHttpClient(clientOptions(false));
    try {
      assertEquals("200 HTTP_2", get(withCert, https.actualPort()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
      Future<String> refused = get(without, https.actualPort());
      assertThrows(Exception.class, () -> refused.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    } finally {
      withCert.close().await();
      without.close().await();
      https.close().await();
    }
  }

  private static HttpServer listen(Tls.Server tls) {
    return vertx
        .createHttpServer(Tls.apply(HttpServers.options("127.0.0.1", 0), tls))
        .requestHandler(request -> request.response().end("ok"))
        .listen()
        .await();
  }

  private static HttpClientOptions clientOptions(boolean withCertificate) {
    HttpClientOptions options =
        new HttpClientOptions()
            .setSsl(true)
            .setUseAlpn(true)
            .setProtocolVersion(HttpVersion.HTTP_2)
            .setTrustOptions(new PemTrustOptions().addCertPath(server.certificatePath()));
    if (withCertificate) {
      options.setKeyCertOptions(new PemKeyCertOptions().setCertPath(client.certificatePath()).setKeyPath(client.privateKeyPath()));
    }
    return options;
  }

  /** Status and protocol of one GET, in one chain (a body that ends before body() is asked for is lost). */
  private static Future<String> get(HttpClientAgent agent, int port) {
    return agent
        .request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI("https://localhost:" + port + "/"))
        .compose(request -> request.send())
        .compose(response -> response.body().map(body -> response.statusCode() + " " + response.version()));
  }
}
