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
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.RoutingContext;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Issues and verifies RS256 bearer tokens (vertx-auth-jwt). A token's subject is the consumer
 * (or the writer's identity); claim {@code roles} holds {@link Principal#WRITER} and/or
 * {@link Principal#READER}; {@code exp} is required, and a token may live at most
 * {@code auth.max-token-lifetime} ({@code exp - iat}, and {@code exp - now}).
 *
 * <p>vertx-auth-jwt checks the signature, issuer and audience; the time claims ({@code exp},
 * {@code nbf}, {@code iat}, with the configured leeway) are checked here against the injected
 * {@link Clock}, the same clock that issues tokens and ages the cache, so one time source decides
 * whether a token is valid. A token is refused from the instant {@code exp + leeway} is reached.
 *
 * <p>Reads verify a token on every request, and an RSA signature check costs tens of
 * microseconds, so a verified token is remembered (by the exact {@code Authorization} header
 * value it came in) until it expires; a token that fails verification is never remembered.
 * {@link #verified(String)} is that lookup alone, for the read fast path. Nothing here blocks: verification runs on the
 * caller's thread and completes at once.
 *
 * <p>A verified token can also be exchanged for a session ({@link #openSession}): a short
 * {@code Authorization: Session <handle>} value (128 random bits) that stands for that token until
 * the token expires, and is accepted wherever the token is. A JWT is some 500 characters that
 * HTTP/2 clients send as a never-indexed literal, Huffman-decoded by the server on every request
 * (a quarter to a third of a cache hit's CPU, BENCHMARKS.md "Reads"); a handle costs a twentieth of that. The
 * check stays exact: only a token that verified gets a handle, a handle is refused from the
 * instant its token is, and one token has one handle at a time. Handles live in this process's
 * memory only: after a restart, or once forgotten, a handle gets 401 and the client opens another.
 */
public final class Tokens {
  private static final String BEARER = "Bearer ";
  private static final String SESSION = "Session ";
  /** Random bytes in a session handle (22 base64url characters). */
  private static final int HANDLE_BYTES = 16;
  /** Most remembered verified tokens, and most open sessions. */
  private static final int MAX_REMEMBERED = 10_000;
  /** A verified token is re-verified at least this often, however far away its expiry. */
  private static final long MAX_CACHED_MILLIS = Duration.ofHours(1).toMillis();
  private final JWTAuth jwt;
  private final AuthConfig config;
  private final Clock clock;
  private final long leewayMillis;
  private final Cache<String, Principal> verified;
  /** Open sessions by their {@code Authorization} value, {@code "Session <handle>"}. */
  private final Cache<String, Session> sessions;
  /** The open session of each bearer {@code Authorization} value that opened one. */
  private final Cache<String, Session> sessionOfBearer;
  private final SecureRandom random = new SecureRandom();

  /** Tokens on the system clock. */
  public Tokens(Vertx vertx, AuthConfig config) {
    this(vertx, config, Clock.systemUTC());
  }

  /** Tokens whose validity (and the cache of verified tokens) follows {@code clock}. */
  public Tokens(Vertx vertx, AuthConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.leewayMillis = config.leeway().toMillis();
    JWTAuthOptions options =
        new JWTAuthOptions()
            .addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(config.publicKeyPem()))
            .setJWTOptions(
                new JWTOptions()
                    .setIssuer(config.issuer())
                    .setAudience(List.of(config.audience()))
                    // exp/nbf/iat are checked in toPrincipal, on this.clock
                    .setIgnoreExpiration(true));
    if (config.privateKeyPem() != null) {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(config.privateKeyPem()));
    }
    this.jwt = JWTAuth.create(vertx, options);
    Ticker ticker = clock.equals(Clock.systemUTC()) ? Ticker.systemTicker() : () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
    this.verified =
        Caffeine.newBuilder()
            .maximumSize(MAX_REMEMBERED)
            .ticker(ticker)
            .expireAfter(Expiry.<String, Principal>creating((token, principal) -> Duration.ofMillis(Math.max(0, Math.min(millisLeft(principal), MAX_CACHED_MILLIS)))))
            .build();
    this.sessions = sessionCache(ticker);
    this.sessionOfBearer = sessionCache(ticker);
  }

  /** Entries that leave when their session's token expires. */
  private Cache<String, Session> sessionCache(Ticker ticker) {
    return Caffeine.newBuilder()
        .maximumSize(MAX_REMEMBERED)
        .ticker(ticker)
        .expireAfter(Expiry.<String, Session>creating((key, session) -> Duration.ofMillis(Math.max(0, millisLeft(session.principal())))))
        .build();
  }

  /**
   * A session: {@code authorization} ({@code "Session <handle>"}) stands for {@code bearer}, the
   * {@code Authorization} header value whose token verified to {@code principal}.
   */
  public record Session(String authorization, String bearer, Principal principal) {
    /** The handle alone, hidden: a session's handle is as secret as its token. */
    @Override
    public String toString() {
      return "Session[" + principal.subject() + ", expires " + principal.expiresAtEpochSecond() + "]";
    }
  }

  /**
   * Signs a token for {@code subject} with {@code roles}, valid for {@code ttl} (whole seconds,
   * at least one) from now. Needs the private key.
   */
  public String issue(String subject, Set<String> roles, Duration ttl) {
    if (config.privateKeyPem() == null) {
      throw new IllegalStateException("this process has no private key (auth.private-key) and cannot issue tokens");
    }
    if (ttl.getSeconds() < 1) {
      throw new IllegalArgumentException("ttl must be at least 1s, but was " + ttl);
    }
    if (ttl.compareTo(config.maxTokenLifetime()) > 0) {
      throw new IllegalArgumentException("ttl must be at most auth.max-token-lifetime (" + config.maxTokenLifetime() + "), but was " + ttl);
    }
    long now = clock.instant().getEpochSecond();
    JsonObject claims =
        new JsonObject()
            .put("roles", new JsonArray(List.copyOf(roles)))
            .put("iat", now)
            .put("exp", Math.addExact(now, ttl.getSeconds()));
    return jwt.generateToken(
        claims,
        new JWTOptions()
            .setAlgorithm("RS256")
            .setSubject(subject)
            .setIssuer(config.issuer())
            .setAudience(List.of(config.audience())));
  }

  /**
   * Verifies the {@code Authorization: Bearer} header of a request. Fails with a 401
   * {@link HttpProblem} when the header is missing, malformed, expired or wrongly signed.
   */
  public Future<Principal> authenticate(RoutingContext ctx) {
    return authenticate(ctx.request().getHeader("Authorization"));
  }

  /** As {@link #authenticate(RoutingContext)}, given the {@code Authorization} header's value (or null). */
  public Future<Principal> authenticate(String authorization) {
    if (isSession(authorization)) {
      Session session = session(authorization);
      return session != null
          ? Future.succeededFuture(session.principal())
          : Future.failedFuture(HttpProblem.unauthorized("session unknown or expired: open a new one with the bearer token"));
    }
    if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Future.failedFuture(HttpProblem.unauthorized("Authorization must be 'Bearer <token>'"));
    }
    String token = authorization.substring(BEARER.length()).trim();
    if (token.isEmpty()) {
      return Future.failedFuture(HttpProblem.unauthorized("Authorization must be 'Bearer <token>'"));
    }
    Principal known = verified(authorization);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    return jwt.authenticate(new TokenCredentials(token))
        .recover(e -> Future.failedFuture(HttpProblem.unauthorized("bearer token rejected: " + e.getMessage())))
        .compose(user -> toPrincipal(authorization, claimsOf(user)));
  }

  /**
   * The principal of an {@code Authorization} header value whose token verified earlier and has
   * not expired since, else null (never verified, failed, expired, or forgotten: then
   * {@link #authenticate(String)} decides). One map lookup; verifies nothing, allocates nothing.
   */
  public Principal verified(String authorization) {
    if (authorization == null) {
      return null;
    }
    if (authorization.startsWith(SESSION)) {
      Session session = sessions.getIfPresent(authorization);
      return session != null && isUnexpired(session.principal()) ? session.principal() : null;
    }
    Principal known = verified.getIfPresent(authorization);
    if (known == null) {
      return null;
    }
    if (millisLeft(known) > 0) {
      return known;
    }
    verified.invalidate(authorization);
    return null;
  }

  /**
   * Opens a session for a bearer token ({@code Authorization: Bearer <token>}), verifying it as
   * {@link #authenticate(String)} does; the same header value gets the same session back while it
   * is open. Fails with a 401 {@link HttpProblem} when the header is not a bearer token that
   * verifies (a session cannot open another).
   */
  public Future<Session> openSession(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Future.failedFuture(HttpProblem.unauthorized("a session is opened with Authorization 'Bearer <token>'"));
    }
    return authenticate(authorization)
        .map(principal -> {
          Session session =
              sessionOfBearer.asMap().compute(authorization, (bearer, open) ->
                  open != null && sessions.getIfPresent(open.authorization()) != null ? open : new Session(SESSION + newHandle(), bearer, principal));
          sessions.put(session.authorization(), session);
          return session;
        });
  }

  /**
   * The bearer {@code Authorization} value to send on for {@code authorization}: the token a
   * session stands for, or {@code authorization} itself when it is not a session (null for a
   * session that is unknown or expired).
   */
  public String bearerFor(String authorization) {
    if (!isSession(authorization)) {
      return authorization;
    }
    Session session = session(authorization);
    return session == null ? null : session.bearer();
  }

  private static boolean isSession(String authorization) {
    return authorization != null && authorization.regionMatches(true, 0, SESSION, 0, SESSION.length());
  }

  /** The open, unexpired session of a {@code Session <handle>} value in any letter case, or null. */
  private Session session(String authorization) {
    Session session = sessions.getIfPresent(SESSION + authorization.substring(SESSION.length()).trim());
    return session != null && isUnexpired(session.principal()) ? session : null;
  }

  private String newHandle() {
    byte[] bytes = new byte[HANDLE_BYTES];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /**
   * True while {@code principal}, returned by {@link #verified(String)} or {@link #authenticate},
   * is still acceptable (before {@code exp + leeway} on this instance's clock).
   */
  public boolean isUnexpired(Principal principal) {
    return millisLeft(principal) > 0;
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

  /**
   * The verified payload. vertx-auth-jwt keeps it whole in attribute {@code accessToken}; the
   * user's principal holds only the raw token and the non-registered claims (no sub, no exp).
   */
  private static JsonObject claimsOf(User user) {
    JsonObject payload = user.attributes().getJsonObject("accessToken");
    return payload != null ? payload : new JsonObject();
  }

  /** Checks the verified claims; remembers the principal under {@code authorization} when they hold. */
  private Future<Principal> toPrincipal(String authorization, JsonObject claims) {
    Object subject = claims.getValue("sub");
    Object exp = claims.getValue("exp");
    if (!(subject instanceof String sub) || sub.isBlank() || !(exp instanceof Number expiry)) {
      return Future.failedFuture(HttpProblem.unauthorized("bearer token must carry 'sub' and 'exp'"));
    }
    long now = clock.millis();
    if (notBefore(claims, "nbf", now) || notBefore(claims, "iat", now)) {
      return Future.failedFuture(HttpProblem.unauthorized("bearer token is not valid yet (nbf/iat in the future)"));
    }
    String tooLong = lifetimeProblem(claims, expiry.longValue(), now);
    if (tooLong != null) {
      return Future.failedFuture(HttpProblem.unauthorized(tooLong));
    }
    Set<String> roles = new HashSet<>();
    if (claims.getValue("roles") instanceof JsonArray array) {
      array.forEach(role -> roles.add(String.valueOf(role)));
    }
    Principal principal = new Principal(sub, roles, expiry.longValue());
    if (millisLeft(principal) <= 0) {
      return Future.failedFuture(HttpProblem.unauthorized("bearer token expired at " + principal.expiresAtEpochSecond() + " (epoch second)"));
    }
    verified.put(authorization, principal);
    return Future.succeededFuture(principal);
  }

  /**
   * Why the token lives longer than {@code auth.max-token-lifetime} allows, or null: {@code exp - iat}
   * (when {@code iat} is present) and {@code exp - now} may not exceed it (plus the leeway, for the
   * latter), so a token without {@code iat} cannot outlive the maximum either.
   */
  private String lifetimeProblem(JsonObject claims, long exp, long nowMillis) {
    long maxSeconds = config.maxTokenLifetime().getSeconds();
    if (claims.getValue("iat") instanceof Number iat && exp - iat.longValue() > maxSeconds) {
      return "bearer token lives " + (exp - iat.longValue()) + "s (exp - iat), more than auth.max-token-lifetime " + maxSeconds + "s";
    }
    long leftMillis = exp > Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : exp * 1000 - nowMillis;
    if (leftMillis > config.maxTokenLifetime().toMillis() + leewayMillis) {
      return "bearer token expires " + (leftMillis / 1000) + "s from now, more than auth.max-token-lifetime " + maxSeconds + "s";
    }
    return null;
  }

  /** True when claim {@code name} is a time later than {@code now} plus the leeway. */
  private boolean notBefore(JsonObject claims, String name, long nowMillis) {
    if (!(claims.getValue(name) instanceof Number time)) {
      return false;
    }
    try {
      return Math.multiplyExact(time.longValue(), 1000L) > Math.addExact(nowMillis, leewayMillis);
    } catch (ArithmeticException e) {
      return time.longValue() > 0;
    }
  }

  /** How long {@code principal}'s token stays acceptable: until {@code exp + leeway}; negative once past. */
  private long millisLeft(Principal principal) {
    long exp = principal.expiresAtEpochSecond();
    try {
      return Math.subtractExact(Math.addExact(Math.multiplyExact(exp, 1000L), leewayMillis), clock.millis());
    } catch (ArithmeticException e) {
      return exp > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    }
  }
}
