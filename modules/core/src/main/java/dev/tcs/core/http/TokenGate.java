package dev.tcs.core.http;

import dev.tcs.core.auth.Tokens;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;

/**
 * A route handler that checks the bearer token (and its role) before anything reads the
 * request's body: mounted ahead of the {@code BodyHandler}, an unauthenticated client gets its
 * 401/403 at once and never makes the server buffer a body. The request is paused meanwhile; the
 * body handler resumes it, and once the answer is sent what is left of the body is read and dropped.
 *
 * <p>It declares itself a {@link PlatformHandler}: Vert.x Web orders a route's handlers by kind
 * and would otherwise refuse a body handler after it (authentication handlers normally run after
 * the body is read, which is exactly what this avoids).
 */
public final class TokenGate implements PlatformHandler {
  private final Tokens tokens;
  private final String role;

  private TokenGate(Tokens tokens, String role) {
    this.tokens = tokens;
    this.role = role;
  }

  public static Handler<RoutingContext> require(Tokens tokens, String role) {
    return new TokenGate(tokens, role);
  }

  @Override
  public void handle(RoutingContext ctx) {
    ctx.request().pause();
    // Whatever answers (a 401 here, a 413 from the body handler), an unread body is then read and
    // dropped, never buffered, so the connection can carry the client's next request.
    ctx.addEndHandler(ended -> {
      if (!ctx.request().isEnded()) {
        ctx.request().resume();
      }
    });
    tokens.require(ctx, role).onSuccess(principal -> ctx.next()).onFailure(ctx::fail);
  }
}
