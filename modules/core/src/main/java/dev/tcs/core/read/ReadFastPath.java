package dev.tcs.core.read;

import dev.tcs.core.auth.Principal;
import dev.tcs.core.auth.Tokens;
import dev.tcs.core.http.RequestIds;
import dev.tcs.core.model.Hosts;
import dev.tcs.core.model.TenantIds;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * Answers a cache hit of the read API before anything else runs, and hands every other request,
 * unchanged, to {@code fallback} (the component's vertx-web router with its read routes, ops
 * routes and core's problem+json failure handler).
 *
 * <p>It answers at two levels:
 * <ul>
 *   <li><b>HTTP/2 frames</b> ({@link #onConnection}, the server's connection handler): a hit is
 *       answered as its HEADERS frame is decoded, by writing the response to the stream through
 *       the connection's encoder; Vert.x never sees the stream. Everything else is passed on to
 *       Vert.x's own frame listener as it arrived. Vert.x 5.0 spends about 10 KB and a third of a
 *       hit's CPU on each stream's request, response and queues (BENCHMARKS.md "Reads").
 *   <li><b>Vert.x requests</b> ({@link #handle}, the server's request handler): HTTP/1.1, and
 *       HTTP/2 requests the frame level left to Vert.x (a query string, say). vertx-web routing
 *       (a {@code RoutingContext} and a request body per request) was 25-47 % of a hit's CPU.
 * </ul>
 *
 * <p>Both answer with the same headers and body, and only when all of this holds, checked in this
 * order; otherwise the router answers exactly as it would without this class (errors, misses,
 * 404s, 304s of uncached entries, unknown paths): a {@code GET} of
 * {@code /v1/tenants/{id}/context} or {@code /v1/hosts/{host}/context} whose segment is already a
 * valid tenant id or lowercase host (no decoding needed); an {@code Authorization} header whose
 * token verified earlier and has not expired, or a session of such a token
 * ({@link Tokens#verified}), with {@code role}; no {@code X-Request-Id} or a plain one (echoed);
 * and {@link Hits#hit} finding a fresh value for the key.
 *
 * <p>Runs on the server's event loop; never blocks. Build one per server instance (verticle): its
 * last-token memo then stays on one core, shared by that instance's connections.
 */
public final class ReadFastPath implements Handler<HttpServerRequest> {
  private static final String TENANTS = "/v1/tenants/";
  private static final String HOSTS = "/v1/hosts/";
  private static final String CONTEXT = "/context";
  private static final AsciiString GET = AsciiString.cached("GET");

  /** A component's cache, seen from the fast path. */
  @FunctionalInterface
  public interface Hits {
    /**
     * A fresh cached value of {@code key}, counted as a hit, or null to leave the request to the
     * router.
     *
     * @param authorization the request's {@code Authorization} as sent (a bearer token or a
     *     session), whose token verified
     */
    CachedAnswer hit(ReadKey key, String authorization);
  }

  private final Tokens tokens;
  private final String role;
  private final Hits hits;
  private final CharSequence region;
  private final Handler<HttpServerRequest> fallback;
  private Verified last;

  /**
   * @param tokens the verified-token cache
   * @param role the role a token needs for the fast path ({@link Principal#READER}); a token
   *     without it goes to the router, which decides
   * @param hits the cache
   * @param region the {@code TCS-Region} every hit carries, or null when each answer's headers
   *     carry their own
   * @param fallback the router
   */
  public ReadFastPath(Tokens tokens, String role, Hits hits, CharSequence region, Handler<HttpServerRequest> fallback) {
    this.tokens = tokens;
    this.role = role;
    this.hits = hits;
    this.region = region;
    this.fallback = fallback;
  }

  @Override
  public void handle(HttpServerRequest request) {
    if (!(request.method() == HttpMethod.GET && answered(request))) {
      fallback.handle(request);
    }
  }

  /**
   * The server's connection handler: on an HTTP/2 connection, puts the frame-level path in
   * front of Vert.x's frame listener (HTTP/1.1 connections are left as they are).
   */
  public void onConnection(HttpConnection connection) {
    Http2HitListener.install(connection, this);
  }

  private boolean answered(HttpServerRequest request) {
    String requestId = request.getHeader(RequestIds.HEADER_NAME);
    CachedAnswer answer = hit(request.path(), request.getHeader(HttpHeaders.AUTHORIZATION), requestId);
    if (answer == null) {
      return false;
    }
    if (requestId != null) {
      request.response().headers().set(RequestIds.HEADER_NAME, requestId);
    }
    if (region != null) {
      request.response().headers().set(ReadApi.REGION_HEADER, region);
    }
    answer.headers().answer(request, answer.body());
    return true;
  }

  /**
   * The frame level: answers a request whose HEADERS frame ended its stream, and returns true;
   * returns false, having written nothing, to leave it to Vert.x.
   */
  boolean answered(ChannelHandlerContext ctx, Http2ConnectionEncoder encoder, ChannelPromise writes, int streamId, Http2Headers headers) {
    CharSequence path = headers.path();
    CharSequence method = headers.method();
    if (method == null || !GET.contentEquals(method) || path == null || AsciiString.indexOf(path, '?', 0) >= 0) {
      return false;
    }
    CharSequence requestId = headers.get(RequestIds.HEADER_NAME);
    CachedAnswer answer = hit(path.toString(), headers.get(HttpHeaders.AUTHORIZATION), requestId);
    if (answer == null) {
      return false;
    }
    answer.headers().write(ctx, encoder, writes, streamId, answer.body(), headers.get(HttpHeaders.IF_NONE_MATCH), requestId, region);
    return true;
  }

  /** The fresh cached answer of a request that passes every check, or null. */
  private CachedAnswer hit(String path, CharSequence authorization, CharSequence requestId) {
    ReadKey.Kind kind = null;
    String id = null;
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
      return null;
    }
    Verified verified = verified(authorization);
    if (verified == null || !verified.principal.has(role) || (requestId != null && !RequestIds.isSafe(requestId))) {
      return null;
    }
    return hits.hit(new ReadKey(kind, id, verified.principal.subject()), verified.authorization);
  }

  /**
   * {@link Tokens#verified}, through a one-entry memo of the last header value that verified: a
   * client sends the same token on every request, and comparing it with the last one costs far
   * less than hashing its ~500 characters for the cache. The memo only ever holds what
   * {@link Tokens#verified} returned, and its expiry is checked on every use.
   */
  private Verified verified(CharSequence authorization) {
    if (authorization == null) {
      return null;
    }
    Verified last = this.last;
    if (last != null && AsciiString.contentEquals(last.authorization, authorization)) {
      return tokens.isUnexpired(last.principal) ? last : null;
    }
    String text = authorization.toString();
    Principal principal = tokens.verified(text);
    if (principal == null) {
      return null;
    }
    Verified verified = new Verified(text, principal);
    this.last = verified;
    return verified;
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

  /** A cached value ready to answer a read: its prepared headers and its body (never written to). */
  public interface CachedAnswer {
    HitHeaders headers();

    Buffer body();
  }
}
