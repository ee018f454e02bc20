package dev.tcs.core.read;

import dev.tcs.core.auth.Principal;
import dev.tcs.core.auth.Tokens;
import dev.tcs.core.http.RequestIds;
import dev.tcs.core.model.Hosts;
import dev.tcs.core.model.TenantIds;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * The request handler of a read server: answers a cache hit of the read API straight from the
 * request, and hands every other request, unchanged, to {@code fallback} (the component's
 * vertx-web router with its read routes, ops routes and core's problem+json failure handler).
 *
 * <p>A request takes the fast path only when all of this holds, checked in this order; otherwise
 * the router answers it exactly as it would without this class (errors, misses, 404s, 304s of
 * uncached entries, unknown paths): a {@code GET} of {@code /v1/tenants/{id}/context} or
 * {@code /v1/hosts/{host}/context} whose segment is already a valid tenant id or lowercase host
 * (no decoding needed); an {@code Authorization} header whose token verified earlier and has not
 * expired, or a session of such a token ({@link Tokens#verified}), with {@code role}; no {@code X-Request-Id} or a plain one
 * (echoed); and {@link Hits#answer} finding a fresh value for the key. vertx-web routing (a
 * {@code RoutingContext} and a request body per request) was 25-47 % of a hit's CPU
 * (BENCHMARKS.md "Reads").
 *
 * <p>Runs on the server's event loop; never blocks; thread-safe when {@code hits} is (build one
 * per server instance all the same: its last-token memo then stays on one core).
 */
public final class ReadFastPath implements Handler<HttpServerRequest> {
  private static final String TENANTS = "/v1/tenants/";
  private static final String HOSTS = "/v1/hosts/";
  private static final String CONTEXT = "/context";

  /** A component's cache, seen from the fast path. */
  @FunctionalInterface
  public interface Hits {
    /**
     * Answers a fresh cached value of {@code key} (ending the response) and returns true, or
     * returns false having written nothing, to leave the request to the router.
     */
    boolean answer(HttpServerRequest request, ReadKey key);
  }

  private final Tokens tokens;
  private final String role;
  private final Hits hits;
  private final Handler<HttpServerRequest> fallback;
  private Verified last;

  /**
   * @param tokens the verified-token cache
   * @param role the role a token needs for the fast path ({@link Principal#READER}); a token
   *     without it goes to the router, which decides
   * @param hits the cache
   * @param fallback the router
   */
  public ReadFastPath(Tokens tokens, String role, Hits hits, Handler<HttpServerRequest> fallback) {
    this.tokens = tokens;
    this.role = role;
    this.hits = hits;
    this.fallback = fallback;
  }

  @Override
  public void handle(HttpServerRequest request) {
    if (!(request.method() == HttpMethod.GET && tryHit(request))) {
      fallback.handle(request);
    }
  }

  private boolean tryHit(HttpServerRequest request) {
    ReadKey.Kind kind = null;
    String id = null;
    String path = request.path();
    if (path != null && path.endsWith(CONTEXT)) {
      int end = path.length() - CONTEXT.length();
      if (path.startsWith(TENANTS)) {
        id = segment(path, TENANTS.length(), end);
        kind = id != null && TenantIds.isValid(id) ? ReadKey.Kind.TENANT : null;
      } else if (path.startsWith(HOSTS)) {
        id = segment(path, HOSTS.length(), end);
        kind = id != null && Hosts.isValid(id) ? ReadKey.Kind.HOST : null;
      }
    }
    if (kind == null) {
      return false;
    }
    Principal principal = verified(request.getHeader(HttpHeaders.AUTHORIZATION));
    if (principal == null || !principal.has(role)) {
      return false;
    }
    String requestId = RequestIds.offered(request);
    if (requestId == null) {
      return false;
    }
    if (!requestId.isEmpty()) {
      request.response().headers().set(RequestIds.HEADER_NAME, requestId);
    }
    if (hits.answer(request, new ReadKey(kind, id, principal.subject()))) {
      return true;
    }
    request.response().headers().remove(RequestIds.HEADER_NAME);
    return false;
  }

  /**
   * {@link Tokens#verified}, through a one-entry memo of the last header value that verified: a
   * client sends the same token on every request, and comparing it with the last one costs far
   * less than hashing its ~500 characters for the cache. The memo only ever holds what
   * {@link Tokens#verified} returned, and its expiry is checked on every use.
   */
  private Principal verified(String authorization) {
    if (authorization == null) {
      return null;
    }
    Verified last = this.last;
    if (last != null && last.authorization.equals(authorization)) {
      return tokens.isUnexpired(last.principal) ? last.principal : null;
    }
    Principal principal = tokens.verified(authorization);
    if (principal != null) {
      this.last = new Verified(authorization, principal);
    }
    return principal;
  }

  /** A header value and the principal its token verified to; immutable, so a racy read sees a whole pair. */
  private record Verified(String authorization, Principal principal) {}

  /** {@code path[start, end)} when it is one non-empty segment, else null. */
  private static String segment(String path, int start, int end) {
    if (end <= start || path.indexOf('/', start) < end) {
      return null;
    }
    return path.substring(start, end);
  }
}
