package dev.tcs.core.http;

import dev.tcs.core.model.TenantContext;
import dev.tcs.core.model.ValidationException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one failure handler: turns every failed route into {@code application/problem+json}.
 * {@link HttpProblem} keeps its status, {@link ValidationException} is a 400 (413 for an
 * oversized document), a bare status (404 from the router, 413 from the body handler) gets its
 * standard title, and anything unexpected is a 500 whose stack trace is logged once with the
 * request id. A failure after the response headers went out resets the stream (HTTP/2) or closes
 * the connection (HTTP/1.1), since no problem document can follow a started body.
 */
public final class ProblemHandler {
  public static final String CONTENT_TYPE = "application/problem+json";
  private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

  private ProblemHandler() {}

  public static void handle(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    String requestId = RequestIds.of(ctx);
    if (response.headWritten()) {
      // Too late for a problem document; cut the response short so the client sees an error
      // instead of waiting for the rest of a body that will never come.
      log.error(
          "request failed after its response started requestId={} method={} path={}",
          requestId, ctx.request().method(), ctx.request().path(), ctx.failure());
      if (!response.ended() && !response.closed()) {
        response.reset();
      }
      return;
    }
    HttpProblem problem = toProblem(ctx, requestId);
    if (problem.status() == 401) {
      response.putHeader("WWW-Authenticate", "Bearer");
    }
    response
        .setStatusCode(problem.status())
        .putHeader(RequestIds.HEADER, requestId)
        .putHeader("Content-Type", CONTENT_TYPE)
        .end(problem.toJson(requestId).toBuffer());
  }

  private static HttpProblem toProblem(RoutingContext ctx, String requestId) {
    Throwable failure = ctx.failure();
    if (failure instanceof HttpProblem problem) {
      return problem;
    }
    if (failure instanceof TenantContext.DocumentTooLargeException tooLarge) {
      return HttpProblem.payloadTooLarge(tooLarge.getMessage());
    }
    if (failure instanceof ValidationException invalid) {
      return HttpProblem.badRequest(invalid.field(), invalid.getMessage());
    }
    if (ctx.request().version() != HttpVersion.HTTP_2 && ctx.request().getHeader("Host") == null) {
      // Vert.x Web fails such a request with a plain VertxException; it is the client's error.
      return HttpProblem.badRequest("Host", "an HTTP/1.1 request must carry a Host header");
    }
    if (!validPercentEncoding(ctx.request().uri())) {
      // The router's own decoding of path parameters fails with a plain IllegalArgumentException.
      return HttpProblem.badRequest("path", "the path or query holds a '%' not followed by two hex digits");
    }
    int status = failure instanceof HttpException http ? http.getStatusCode() : ctx.statusCode();
    if (failure == null || failure instanceof HttpException) {
      return forStatus(status);
    }
    log.error("request failed requestId={} method={} path={}", requestId, ctx.request().method(), ctx.request().path(), failure);
    return new HttpProblem(500, "Internal Server Error", "unexpected error; quote request id " + requestId, null);
  }

  /** True when every {@code %} in {@code uri} starts a {@code %XX} escape. */
  static boolean validPercentEncoding(String uri) {
    if (uri == null) {
      return true;
    }
    for (int i = uri.indexOf('%'); i >= 0; i = uri.indexOf('%', i + 1)) {
      if (i + 2 >= uri.length() || Character.digit(uri.charAt(i + 1), 16) < 0 || Character.digit(uri.charAt(i + 2), 16) < 0) {
        return false;
      }
    }
    return true;
  }

  private static HttpProblem forStatus(int status) {
    return switch (status) {
      case 400 -> HttpProblem.badRequest(null, "the request could not be read");
      case 401 -> HttpProblem.unauthorized("a valid bearer token is required");
      case 403 -> HttpProblem.forbidden("not allowed");
      case 404 -> HttpProblem.notFound("no such resource");
      case 405 -> new HttpProblem(405, "Method Not Allowed", "this resource does not support the method", null);
      case 413 -> HttpProblem.payloadTooLarge("body must be at most " + TenantContext.MAX_BYTES + " bytes");
      case 415 -> HttpProblem.unsupportedMediaType("Content-Type must be application/json");
      default -> new HttpProblem(status > 0 ? status : 500, "Error", "request failed with status " + status, null);
    };
  }
}
