package dev.tcs.core.http;

import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The id of a request: the caller's {@code X-Request-Id} when it is short and plain, else a new
 * one. Kept on the routing context and echoed on the response.
 */
public final class RequestIds {
  public static final String HEADER = "X-Request-Id";
  private static final String KEY = "tcs.requestId";
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private RequestIds() {}

  public static String of(RoutingContext ctx) {
    String id = ctx.get(KEY);
    if (id == null) {
      String offered = ctx.request().getHeader(HEADER);
      id = offered != null && SAFE.matcher(offered).matches() ? offered : UUID.randomUUID().toString();
      ctx.put(KEY, id);
    }
    return id;
  }

  /** A route handler that assigns the id and echoes it; mount it first. */
  public static void assign(RoutingContext ctx) {
    ctx.response().putHeader(HEADER, of(ctx));
    ctx.next();
  }
}
