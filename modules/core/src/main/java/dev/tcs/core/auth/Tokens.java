package dev.tcs.core.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.tcs.core.http.HttpProblem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Issues and verifies RS256 bearer tokens (vertx-auth-jwt). A token's subject is the consumer
 * (or the writer's identity); claim {@code roles} holds {@link Principal#WRITER} and/or
 * {@link Principal#READER}.
 *
 * <p>Reads verify a token on every request, and an RSA signature check costs tens of
 * microseconds, so a verified token is remembered (by its exact text) until it expires; a wrong
 * signature is never remembered.
 */
public final class Tokens {
  private static final String BEARER = "Bearer ";
  private final JWTAuth jwt;
  private final AuthConfig config;
  private final Cache<String, Principal> verified;

  public Tokens(Vertx vertx, AuthConfig config) {
    this(vertx, config, Ticker.systemTicker());
  }

  Tokens(Vertx vertx, AuthConfig config, Ticker ticker) {
    this.config = config;
    JWTAuthOptions options =
        new JWTAuthOptions()
            .addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(config.publicKeyPem()))
            .setJWTOptions(
                new JWTOptions()
                    .setIssuer(config.issuer())
                    .setAudience(List.of(config.audience()))
                    .setLeeway((int) config.leeway().toSeconds()));
    if (config.privateKeyPem() != null) {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(config.privateKeyPem()));
    }
    this.jwt = JWTAuth.create(vertx, options);
    this.verified =
        Caffeine.newBuilder()
            .maximumSize(10_000)
            .ticker(ticker)
            .expireAfter(
                Expiry.<String, Principal>creating(
                    (token, principal) ->
                        Duration.ofSeconds(Math.max(0, principal.expiresAtEpochSecond() - System.currentTimeMillis() / 1000))))
            .build();
  }

  /** Signs a token for {@code subject} with {@code roles}, valid for {@code ttl}. Needs the private key. */
  public String issue(String subject, Set<String> roles, Duration ttl) {
    if (config.privateKeyPem() == null) {
      throw new IllegalStateException("this process has no private key (auth.private-key) and cannot issue tokens");
    }
    JsonObject claims = new JsonObject().put("roles", new JsonArray(List.copyOf(roles)));
    return jwt.generateToken(
        claims,
        new JWTOptions()
            .setAlgorithm("RS256")
            .setSubject(subject)
            .setIssuer(config.issuer())
            .setAudience(List.of(config.audience()))
            .setExpiresInSeconds((int) ttl.toSeconds()));
  }

  /**
   * Verifies the {@code Authorization: Bearer} header of a request. Fails with a 401
   * {@link HttpProblem} when the header is missing, malformed, expired or wrongly signed.
   */
  public Future<Principal> authenticate(RoutingContext ctx) {
    return authenticate(ctx.request().getHeader("Authorization"));
  }

  public Future<Principal> authenticate(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Future.failedFuture(HttpProblem.unauthorized("Authorization must be 'Bearer <token>'"));
    }
    String token = authorization.substring(BEARER.length()).trim();
    Principal known = verified.getIfPresent(token);
    if (known != null) {
      if (known.expiresAtEpochSecond() + config.leeway().toSeconds() >= System.currentTimeMillis() / 1000) {
        return Future.succeededFuture(known);
      }
      verified.invalidate(token);
    }
    return jwt.authenticate(new TokenCredentials(token))
        .recover(e -> Future.failedFuture(HttpProblem.unauthorized("bearer token rejected: " + e.getMessage())))
        .compose(user -> toPrincipal(token, user.principal()));
  }

  /** As {@link #authenticate(RoutingContext)}, and fails with 403 unless the token has {@code role}. */
  public Future<Principal> require(RoutingContext ctx, String role) {
    return authenticate(ctx)
        .compose(
            p ->
                p.has(role)
                    ? Future.succeededFuture(p)
                    : Future.failedFuture(HttpProblem.forbidden("token of '" + p.subject() + "' lacks role '" + role + "'")));
  }

  private Future<Principal> toPrincipal(String token, JsonObject claims) {
    String subject = claims.getString("sub");
    Object exp = claims.getValue("exp");
    if (subject == null || subject.isBlank() || !(exp instanceof Number expiry)) {
      return Future.failedFuture(HttpProblem.unauthorized("bearer token must carry 'sub' and 'exp'"));
    }
    Set<String> roles = new HashSet<>();
    if (claims.getValue("roles") instanceof JsonArray array) {
      array.forEach(role -> roles.add(String.valueOf(role)));
    }
    Principal principal = new Principal(subject, roles, expiry.longValue());
    verified.put(token, principal);
    return Future.succeededFuture(principal);
  }
}
