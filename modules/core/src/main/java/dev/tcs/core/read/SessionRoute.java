package dev.tcs.core.read;

import dev.tcs.core.auth.Principal;
import dev.tcs.core.auth.Tokens;
import dev.tcs.core.http.TokenGate;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /v1/sessions}: exchanges a reader's bearer token for a session
 * ({@link Tokens#openSession}), served by every region and every sidecar next to the read routes.
 *
 * <p>The request carries {@code Authorization: Bearer <token>} with the reader role and no body;
 * the answer is {@code 200} with {@code {"authorization": "Session <handle>", "subject": ...,
 * "expiresAt": <epoch second>}} and {@code Cache-Control: no-store}. A client then sends that
 * {@code authorization} value instead of the token on its reads, until {@code expiresAt} or until
 * a read answers 401 (the server restarted, or forgot the session), when it opens another. The
 * same token gets the same session while it is open. A missing, bad or expired token gets 401, a
 * token without the reader role 403, a session in place of a token 401, all as problem+json.
 */
public final class SessionRoute {
  private SessionRoute() {}

  /** Adds the route to {@code router} (a core {@code Routers.base} router). */
  public static void mount(Router router, Tokens tokens) {
    router.post(ReadApi.SESSIONS_ROUTE).handler(TokenGate.require(tokens, Principal.READER)).handler(ctx -> open(ctx, tokens));
  }

  private static void open(RoutingContext ctx, Tokens tokens) {
    tokens
        .openSession(ctx.request().getHeader(ReadApi.AUTHORIZATION))
        .onSuccess(session ->
            ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end(new JsonObject()
                    .put("authorization", session.authorization())
                    .put("subject", session.principal().subject())
                    .put("expiresAt", session.principal().expiresAtEpochSecond())
                    .toBuffer()))
        .onFailure(ctx::fail);
  }
}
