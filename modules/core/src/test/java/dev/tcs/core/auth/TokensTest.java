package dev.tcs.core.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.config.Settings;
import dev.tcs.core.http.HttpProblem;
import dev.tcs.core.http.HttpServers;
import dev.tcs.core.http.Routers;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TokensTest {
  /** The demo keys of the repository, relative to this module. */
  static final Path DEMO_KEYS = Path.of("../../config/demo-keys");

  private static Vertx vertx;
  private static AuthConfig demo;
  private MutableClock clock;
  private Tokens tokens;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    demo = demoConfig(Duration.ofSeconds(5));
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @BeforeEach
  void newTokens() {
    clock = new MutableClock(Instant.now());
    tokens = new Tokens(vertx, demo, clock);
  }

  static AuthConfig demoConfig(Duration leeway) {
    JsonObject auth =
        new JsonObject()
            .put("public-key", "jwt-public.pem")
            .put("private-key", "jwt-private.pem")
            .put("issuer", "tcs-demo")
            .put("audience", "tcs")
            .put("leeway", leeway.toSeconds() + "s");
    return AuthConfig.from(Settings.of("auth", auth), DEMO_KEYS);
  }

  private static Principal ok(Future<Principal> future) {
    return future.await();
  }

  private static HttpProblem problem(Future<Principal> future) {
    Throwable failure = assertThrows(Throwable.class, future::await);
    return assertInstanceOf(HttpProblem.class, failure, String.valueOf(failure));
  }

  // ---- issue and authenticate ----

  @Test
  void authenticate_issuedToken_principalWithSubjectRolesAndExpiry() {
    String token = tokens.issue("jira", Set.of(Principal.READER), Duration.ofMinutes(10));
    Principal principal = ok(tokens.authenticate("Bearer " + token));
    assertEquals("jira", principal.subject());
    assertEquals(Set.of(Principal.READER), principal.roles());
    assertEquals(clock.instant().getEpochSecond() + 600, principal.expiresAtEpochSecond());
  }

  @Test
  void authenticate_sameTokenTwice_sameAnswer() {
    String token = tokens.issue("writer-1", Set.of(Principal.WRITER, Principal.READER), Duration.ofMinutes(1));
    assertEquals(ok(tokens.authenticate("Bearer " + token)), ok(tokens.authenticate("Bearer " + token)));
  }

  @Test
  void authenticate_lowercaseSchemeAndSpaces_accepted() {
    String token = tokens.issue("jira", Set.of(), Duration.ofMinutes(1));
    assertEquals("jira", ok(tokens.authenticate("bearer " + token + "  ")).subject());
  }

  @Test
  void authenticate_tokenOfAnotherInstanceWithSameKeys_accepted() {
    String token = tokens.issue("jira", Set.of(Principal.READER), Duration.ofMinutes(1));
    AuthConfig verifyOnly = new AuthConfig(demo.publicKeyPem(), null, demo.issuer(), demo.audience(), demo.leeway());
    assertEquals("jira", ok(new Tokens(vertx, verifyOnly, clock).authenticate("Bearer " + token)).subject());
  }

  @Test
  void issue_manyTokens_everyOneVerifies() {
    for (int i = 0; i < 20; i++) {
      String token = tokens.issue("c" + i, Set.of(Principal.READER), Duration.ofMinutes(1));
      assertEquals("c" + i, ok(tokens.authenticate("Bearer " + token)).subject());
    }
  }

  @Test
  void issue_withoutPrivateKey_refused() {
    AuthConfig verifyOnly = new AuthConfig(demo.publicKeyPem(), null, demo.issuer(), demo.audience(), demo.leeway());
    Tokens verifier = new Tokens(vertx, verifyOnly, clock);
    assertThrows(IllegalStateException.class, () -> verifier.issue("x", Set.of(), Duration.ofMinutes(1)));
  }

  @Test
  void issue_subSecondTtl_refusedRatherThanATokenWithoutExpiry() {
    assertThrows(IllegalArgumentException.class, () -> tokens.issue("x", Set.of(), Duration.ofMillis(500)));
    assertThrows(IllegalArgumentException.class, () -> tokens.issue("x", Set.of(), Duration.ZERO));
  }

  @Test
  void issue_ttlUpToMaxLifetime_expiresWhenAsked() {
    String token = tokens.issue("x", Set.of(), AuthConfig.DEFAULT_MAX_TOKEN_LIFETIME);
    assertEquals(
        clock.instant().plus(AuthConfig.DEFAULT_MAX_TOKEN_LIFETIME).getEpochSecond(), ok(tokens.authenticate("Bearer " + token)).expiresAtEpochSecond());
  }

  @Test
  void issue_ttlBeyondMaxLifetime_refusedNamingTheKey() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tokens.issue("x", Set.of(), Duration.ofDays(30_000)));
    assertTrue(e.getMessage().contains("auth.max-token-lifetime"), e.getMessage());
  }

  /** Regression: a token signed for centuries was accepted; now its lifetime (exp - iat) is capped. */
  @Test
  void authenticate_lifetimeAboveMax_401() {
    JsonObject claims = validClaims("jira");
    claims.put("exp", claims.getLong("iat") + AuthConfig.DEFAULT_MAX_TOKEN_LIFETIME.getSeconds() + 1);
    String token = demoSigner().generateToken(claims, new JWTOptions().setAlgorithm("RS256").setNoTimestamp(true));
    HttpProblem problem = problem(tokens.authenticate("Bearer " + token));
    assertEquals(401, problem.status());
    assertTrue(problem.detail().contains("max-token-lifetime"), problem.detail());
  }

  @Test
  void authenticate_noIatAndExpiryCenturiesAway_401() {
    JsonObject claims = validClaims("jira").put("exp", 32_503_680_000L * 10);
    claims.remove("iat");
    String token = demoSigner().generateToken(claims, new JWTOptions().setAlgorithm("RS256").setNoTimestamp(true));
    assertEquals(401, problem(tokens.authenticate("Bearer " + token)).status());
  }

  @Test
  void authenticate_backdatedIatWithinMaxFromNow_401() {
    JsonObject claims = validClaims("jira");
    long now = claims.getLong("iat");
    claims.put("iat", now - 3 * 24 * 3600).put("exp", now + 60);
    String token = demoSigner().generateToken(claims, new JWTOptions().setAlgorithm("RS256").setNoTimestamp(true));
    assertEquals(401, problem(tokens.authenticate("Bearer " + token)).status());
  }

  @Test
  void authenticate_configuredShorterMax_refusesLongerToken() {
    AuthConfig shortLived = new AuthConfig(demo.publicKeyPem(), demo.privateKeyPem(), demo.issuer(), demo.audience(), demo.leeway(), Duration.ofMinutes(10));
    Tokens strict = new Tokens(vertx, shortLived, clock);
    String hour = tokens.issue("jira", Set.of(Principal.READER), Duration.ofHours(1));
    assertEquals(401, problem(strict.authenticate("Bearer " + hour)).status());
    String minutes = strict.issue("jira", Set.of(Principal.READER), Duration.ofMinutes(10));
    assertEquals("jira", ok(strict.authenticate("Bearer " + minutes)).subject());
  }

  // ---- 401 ----

  @Test
  void authenticate_missingHeader_401NamingAuthorization() {
    HttpProblem problem = problem(tokens.authenticate((String) null));
    assertEquals(401, problem.status());
    assertEquals("Authorization", problem.field());
  }

  @Test
  void authenticate_otherScheme_401() {
    assertEquals(401, problem(tokens.authenticate("Basic YWxhZGRpbjpvcGVuc2VzYW1l")).status());
    assertEquals(401, problem(tokens.authenticate("Bearer")).status());
    assertEquals(401, problem(tokens.authenticate("Bearer ")).status());
  }

  @Test
  void authenticate_garbage_401() {
    assertEquals(401, problem(tokens.authenticate("Bearer not-a-jwt")).status());
    assertEquals(401, problem(tokens.authenticate("Bearer a.b.c")).status());
    assertEquals(401, problem(tokens.authenticate("Bearer ....")).status());
  }

  @Test
  void authenticate_signedByAnotherKey_401() throws Exception {
    JWTAuth stranger = signer(strangerPrivateKeyPem());
    String token = stranger.generateToken(validClaims("mallory"), new JWTOptions().setAlgorithm("RS256").setNoTimestamp(true));
    assertEquals(401, problem(tokens.authenticate("Bearer " + token)).status());
  }

  @Test
  void authenticate_payloadChangedAfterSigning_401() {
    String token = tokens.issue("jira", Set.of(Principal.READER), Duration.ofMinutes(1));
    String[] parts = token.split("\\.");
    String forged = b64(validClaims("jira").put("roles", new JsonArray().add(Principal.WRITER)).encode());
    assertEquals(401, problem(tokens.authenticate("Bearer " + parts[0] + "." + forged + "." + parts[2])).status());
  }

  @Test
  void authenticate_algNone_401() {
    String header = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
    String token = header + "." + b64(validClaims("mallory").encode()) + ".";
    assertEquals(401, problem(tokens.authenticate("Bearer " + token)).status());
  }

  @Test
  void authenticate_hs256WithThePublicKeyAsSecret_401() throws Exception {
    String header = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
    String payload = b64(validClaims("mallory").put("roles", new JsonArray().add(Principal.WRITER)).encode());
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(demo.publicKeyPem().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String signature =
        Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal((header + "." + payload).getBytes(StandardCharsets.US_ASCII)));
    assertEquals(401, problem(tokens.authenticate("Bearer " + header + "." + payload + "." + signature)).status());
  }

  @Test
  void authenticate_wrongIssuer_401() {
    String token = demoSigner().generateToken(validClaims("jira").put("iss", "someone-else"), new JWTOptions().setAlgorithm("RS256").setNoTimestamp(true));
    assertEquals(401, problem(tokens.authenticate("Bearer " + token)).status());
  }

  @Test
  void authenticate_wrongAudience_401() {
    String token = demoSigner().generateToken(validClaims("jira").put("aud", "billing"), new JWTOptions().setAlgorithm("RS256").setNoTimestamp(true));
    assertEquals(401, problem(tokens.authenticate("Bearer " + token)).status());
  }

  @Test
  void authenticate_withoutExpiry_401() {
    JsonObject claims = validClaims("jira");
    claims.remove("exp");
    String token = demoSigner().generateToken(claims, new JWTOptions().setAlgorithm("RS256").setNoTimestamp(true));
    assertEquals(401, problem(tokens.authenticate("Bearer " + token)).status());
  }

  @Test
  void authenticate_withoutSubject_401() {
    JsonObject claims = validClaims("jira");
    claims.remove("sub");
    String token = demoSigner().generateToken(claims, new JWTOptions().setAlgorithm("RS256").setNoTimestamp(true));
    assertEquals(401, problem(tokens.authenticate("Bearer " + token)).status());
  }

  @Test
  void authenticate_notYetValid_401() {
    JsonObject claims = validClaims("jira").put("nbf", clock.instant().getEpochSecond() + 60);
    String token = demoSigner().generateToken(claims, new JWTOptions().setAlgorithm("RS256").setNoTimestamp(true));
    assertEquals(401, problem(tokens.authenticate("Bearer " + token)).status());
  }

  // ---- through a router: 401 and 403 as problem+json ----

  @Test
  void require_overHttp_200With401And403AsProblems() throws Exception {
    Router router = Routers.base(vertx, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), List.of());
    router
        .put("/v1/tenants/:id")
        .handler(ctx -> tokens.require(ctx, Principal.WRITER).onSuccess(p -> ctx.response().end(p.subject())).onFailure(ctx::fail));
    HttpServer server = vertx.createHttpServer(HttpServers.options("127.0.0.1", 0)).requestHandler(router).listen().await();
    try {
      URI uri = URI.create("http://127.0.0.1:" + server.actualPort() + "/v1/tenants/acme");
      HttpClient client = HttpClient.newHttpClient();
      String writer = tokens.issue("provisioner", Set.of(Principal.WRITER), Duration.ofMinutes(1));
      String reader = tokens.issue("jira", Set.of(Principal.READER), Duration.ofMinutes(1));

      HttpResponse<String> ok = client.send(put(uri, "Bearer " + writer), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, ok.statusCode());
      assertEquals("provisioner", ok.body());

      HttpResponse<String> forbidden = client.send(put(uri, "Bearer " + reader), HttpResponse.BodyHandlers.ofString());
      assertEquals(403, forbidden.statusCode());
      assertEquals("application/problem+json", forbidden.headers().firstValue("Content-Type").orElse(null));
      assertTrue(new JsonObject(forbidden.body()).getString("detail").contains("lacks role 'writer'"));

      HttpResponse<String> missing = client.send(put(uri, null), HttpResponse.BodyHandlers.ofString());
      assertEquals(401, missing.statusCode());
      assertEquals("Bearer", missing.headers().firstValue("WWW-Authenticate").orElse(null));
      assertEquals("Authorization", new JsonObject(missing.body()).getString("field"));

      HttpResponse<String> garbage = client.send(put(uri, "Bearer x.y.z"), HttpResponse.BodyHandlers.ofString());
      assertEquals(401, garbage.statusCode());
    } finally {
      server.close().await();
    }
  }

  private static HttpRequest put(URI uri, String authorization) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).PUT(HttpRequest.BodyPublishers.ofString("{}"));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return request.build();
  }

  // ---- verified(): the read fast path's lookup ----

  @Test
  void verified_neverAuthenticated_null() {
    String token = tokens.issue("jira", Set.of(Principal.READER), Duration.ofMinutes(1));
    assertEquals(null, tokens.verified("Bearer " + token));
    assertEquals(null, tokens.verified(null));
  }

  @Test
  void verified_afterAuthenticate_principalUntilLeewayEnds() {
    String token = tokens.issue("jira", Set.of(Principal.READER), Duration.ofMinutes(1));
    ok(tokens.authenticate("Bearer " + token));
    assertEquals("jira", tokens.verified("Bearer " + token).subject());
    assertEquals(null, tokens.verified("bearer " + token), "keyed by the exact header value");
    clock.advance(Duration.ofSeconds(64));
    assertEquals("jira", tokens.verified("Bearer " + token).subject());
    clock.advance(Duration.ofSeconds(1));
    assertEquals(null, tokens.verified("Bearer " + token));
  }

  @Test
  void verified_tokenThatFailed_null() {
    String token = tokens.issue("jira", Set.of(Principal.READER), Duration.ofMinutes(1));
    String tampered = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
    assertEquals(401, problem(tokens.authenticate("Bearer " + tampered)).status());
    assertEquals(null, tokens.verified("Bearer " + tampered));
  }

  // ---- sessions: a short Authorization value for a verified token ----

  @Test
  void openSession_verifiedToken_shortHandleAcceptedWhereTheTokenIs() {
    String bearer = "Bearer " + tokens.issue("jira", Set.of(Principal.READER), Duration.ofMinutes(1));
    Tokens.Session session = tokens.openSession(bearer).await();
    assertTrue(session.authorization().matches("Session [A-Za-z0-9_-]{22}"), session.authorization());
    assertEquals(bearer, session.bearer());
    assertEquals(ok(tokens.authenticate(bearer)), session.principal());
    assertEquals(session.principal(), tokens.verified(session.authorization()));
    assertEquals(session.principal(), ok(tokens.authenticate(session.authorization())));
    assertEquals(session.principal(), ok(tokens.authenticate("session  " + session.authorization().substring(8) + " ")), "scheme in any case");
    assertEquals(bearer, tokens.bearerFor(session.authorization()));
    assertEquals(bearer, tokens.bearerFor(bearer));
    assertTrue(!session.toString().contains(session.authorization().substring(8)), "toString hides the handle");
  }

  @Test
  void openSession_sameTokenTwice_sameSession_otherTokenAnother() {
    String bearer = "Bearer " + tokens.issue("jira", Set.of(Principal.READER), Duration.ofMinutes(1));
    String other = "Bearer " + tokens.issue("jira", Set.of(Principal.READER), Duration.ofMinutes(2));
    Tokens.Session first = tokens.openSession(bearer).await();
    assertEquals(first, tokens.openSession(bearer).await());
    assertTrue(!first.authorization().equals(tokens.openSession(other).await().authorization()));
  }

  @Test
  void openSession_badTokenOrASession_401AndNoSession() {
    String token = tokens.issue("jira", Set.of(Principal.READER), Duration.ofMinutes(1));
    String tampered = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
    assertEquals(401, problem(tokens.openSession("Bearer " + tampered).map(Tokens.Session::principal)).status());
    assertEquals(401, problem(tokens.openSession(null).map(Tokens.Session::principal)).status());
    Tokens.Session session = tokens.openSession("Bearer " + token).await();
    HttpProblem problem = problem(tokens.openSession(session.authorization()).map(Tokens.Session::principal));
    assertEquals(401, problem.status());
    assertTrue(problem.detail().contains("Bearer"), problem.detail());
  }

  @Test
  void session_unknownOrGuessed_401AndNull() {
    String token = tokens.issue("jira", Set.of(Principal.READER), Duration.ofMinutes(1));
    Tokens.Session session = tokens.openSession("Bearer " + token).await();
    String guessed = "Session " + "A".repeat(22);
    assertEquals(null, tokens.verified(guessed));
    assertEquals(null, tokens.bearerFor(guessed));
    HttpProblem problem = problem(tokens.authenticate(guessed));
    assertEquals(401, problem.status());
    assertTrue(problem.detail().contains("session"), problem.detail());
    Tokens restarted = new Tokens(vertx, demo, clock);
    assertEquals(401, problem(restarted.authenticate(session.authorization())).status(), "sessions live in one process");
  }

  @Test
  void session_refusedFromTheInstantItsTokenIs() {
    String bearer = "Bearer " + tokens.issue("jira", Set.of(Principal.READER), Duration.ofMinutes(1));
    Tokens.Session session = tokens.openSession(bearer).await();
    Instant leewayEnds = Instant.ofEpochSecond(session.principal().expiresAtEpochSecond() + 5);
    clock.set(leewayEnds.minusMillis(1));
    assertEquals(session.principal(), tokens.verified(session.authorization()));
    clock.set(leewayEnds);
    assertEquals(null, tokens.verified(session.authorization()));
    assertEquals(401, problem(tokens.authenticate(session.authorization())).status());
    assertEquals(401, problem(tokens.authenticate(bearer)).status());
    assertEquals(null, tokens.bearerFor(session.authorization()));
  }

  @Test
  void session_outlivesTheHourlyReverificationOfItsToken_untilTheTokenExpires() {
    String bearer = "Bearer " + tokens.issue("jira", Set.of(Principal.READER), Duration.ofHours(3));
    Tokens.Session session = tokens.openSession(bearer).await();
    clock.advance(Duration.ofHours(2));
    assertEquals(null, tokens.verified(bearer), "the token itself is verified again after an hour");
    assertEquals(session.principal(), tokens.verified(session.authorization()));
    assertEquals(session, tokens.openSession(bearer).await(), "re-verified, same session");
  }

  // ---- expiry, with the clock moved by hand ----

  @Test
  void authenticate_expiredBeyondLeeway_401() {
    String token = tokens.issue("jira", Set.of(Principal.READER), Duration.ofMinutes(1));
    clock.advance(Duration.ofSeconds(65));
    HttpProblem problem = problem(tokens.authenticate("Bearer " + token));
    assertEquals(401, problem.status());
    assertTrue(problem.detail().contains("expired"), problem.detail());
  }

  @Test
  void authenticate_expiredWithinLeeway_accepted() {
    String token = tokens.issue("jira", Set.of(Principal.READER), Duration.ofMinutes(1));
    clock.advance(Duration.ofSeconds(64));
    assertEquals("jira", ok(tokens.authenticate("Bearer " + token)).subject());
  }

  @Test
  void authenticate_cachedTokenOnceExpired_401() {
    String token = tokens.issue("jira", Set.of(Principal.READER), Duration.ofMinutes(1));
    ok(tokens.authenticate("Bearer " + token));
    clock.advance(Duration.ofSeconds(64));
    ok(tokens.authenticate("Bearer " + token));
    clock.advance(Duration.ofSeconds(1));
    assertEquals(401, problem(tokens.authenticate("Bearer " + token)).status());
    clock.advance(Duration.ofHours(1));
    assertEquals(401, problem(tokens.authenticate("Bearer " + token)).status());
  }

  @Test
  void authenticate_cachedTokenAtTheInstantLeewayEnds_401LikeAFreshCheck() {
    String token = tokens.issue("jira", Set.of(Principal.READER), Duration.ofMinutes(1));
    ok(tokens.authenticate("Bearer " + token));
    Instant leewayEnds = Instant.ofEpochSecond(ok(tokens.authenticate("Bearer " + token)).expiresAtEpochSecond() + 5);
    clock.set(leewayEnds.minusMillis(1));
    ok(tokens.authenticate("Bearer " + token));
    clock.set(leewayEnds);
    assertEquals(401, problem(tokens.authenticate("Bearer " + token)).status());
    Tokens fresh = new Tokens(vertx, demo, clock);
    assertEquals(401, problem(fresh.authenticate("Bearer " + token)).status());
  }

  /**
   * Regression: the cache aged entries on one time source (Caffeine's ticker) while it checked
   * expiry in whole seconds of another (the wall clock), so with no leeway a cached token stayed
   * accepted for up to a second after the signature check would have refused it.
   */
  @Test
  void authenticate_noLeewayCachedTokenJustAfterExpiry_401() {
    Tokens strict = new Tokens(vertx, demoConfig(Duration.ZERO), clock);
    clock.set(Instant.ofEpochSecond(clock.instant().getEpochSecond(), 900_000_000));
    String token = strict.issue("jira", Set.of(Principal.READER), Duration.ofSeconds(1));
    ok(strict.authenticate("Bearer " + token));
    clock.advance(Duration.ofMillis(100));
    assertEquals(401, problem(strict.authenticate("Bearer " + token)).status());
  }

  // ---- helpers ----

  private JsonObject validClaims(String subject) {
    long now = clock.instant().getEpochSecond();
    return new JsonObject()
        .put("sub", subject)
        .put("iss", "tcs-demo")
        .put("aud", "tcs")
        .put("iat", now)
        .put("exp", now + 60)
        .put("roles", new JsonArray().add(Principal.READER));
  }

  private static JWTAuth demoSigner() {
    return signer(demo.privateKeyPem());
  }

  private static JWTAuth signer(String privateKeyPem) {
    return JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(privateKeyPem)));
  }

  private static String strangerPrivateKeyPem() throws NoSuchAlgorithmException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    byte[] pkcs8 = generator.generateKeyPair().getPrivate().getEncoded();
    return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pkcs8) + "\n-----END PRIVATE KEY-----\n";
  }

  private static String b64(String text) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
