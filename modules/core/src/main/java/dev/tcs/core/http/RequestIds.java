package dev.tcs.core.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * The id of a request: the caller's {@code X-Request-Id} when it is short and plain, else a new
 * one. Kept on the routing context and echoed on the response. A cache hit answered by the read
 * fast path ({@code dev.tcs.core.read.ReadFastPath}) carries no generated id (a new header value
 * per response defeats HTTP/2 header compression); it echoes the caller's.
 *
 * <p>New ids are a random per-process prefix and a counter ({@code 5f3a9c1e-1b}): unique across
 * restarts in practice, and cheap on the read path, where a random UUID per request would cost a
 * SecureRandom draw.
 */
public final class RequestIds {
  public static final String HEADER = "X-Request-Id";
  /** {@link #HEADER} lowercase, for the hot path (no lowercasing per lookup on HTTP/2). */
  public static final CharSequence HEADER_NAME = HttpHeaders.createOptimized("x-request-id");
  private static final String KEY = "tcs.requestId";
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final String PREFIX = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16) + "-";
  private static final AtomicLong NEXT = new AtomicLong();

  private RequestIds() {}

  public static String of(RoutingContext ctx) {
    String id = ctx.get(KEY);
    if (id == null) {
      String offered = ctx.request().getHeader(HEADER);
      id = offered != null && isSafe(offered) ? offered : next();
      ctx.put(KEY, id);
    }
    return id;
  }

  /** A new id, for work no request asked for (a refresh-ahead). */
  public static String next() {
    return PREFIX + Long.toHexString(NEXT.incrementAndGet());
  }

  /** Whether a caller's {@code X-Request-Id} is short and plain enough to be kept and echoed. */
  public static boolean isSafe(CharSequence offered) {
    return SAFE.matcher(offered).matches();
  }

  /** A route handler that assigns the id and echoes it; mount it first. */
  public static void assign(RoutingContext ctx) {
    ctx.response().putHeader(HEADER, of(ctx));
    ctx.next();
  }
}
