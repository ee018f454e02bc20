package dev.tcs.core.http;

import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * Server options shared by every component: HTTP/2 cleartext (prior knowledge) and HTTP/1.1 on
 * one port, with bounds on what one client may make a server hold: at most
 * {@value #MAX_CONCURRENT_STREAMS} concurrent HTTP/2 streams per connection, request lines of
 * {@value #MAX_INITIAL_LINE} bytes and headers of {@value #MAX_HEADER_BYTES} bytes (HTTP/1.1 and
 * HTTP/2 alike).
 */
public final class HttpServers {
  /** Concurrent HTTP/2 streams one connection may open; more are refused by the protocol. */
  public static final int MAX_CONCURRENT_STREAMS = 100;

  /**
   * A connection that sends nothing for this long is closed. Only reads are watched: a server
   * that answers writes only what a request asked for, and watching writes too (Vert.x's
   * {@code setIdleTimeout}) puts a listener on every write's promise, 5 % of a cache hit's CPU
   * (BENCHMARKS.md "Reads").
   */
  public static final int IDLE_SECONDS = 120;

  /** The longest request line (method, path and query, version). */
  public static final int MAX_INITIAL_LINE = 4096;

  /** The most header bytes of one request. */
  public static final int MAX_HEADER_BYTES = 8192;

  private HttpServers() {}

  public static HttpServerOptions options(String host, int port) {
    return new HttpServerOptions()
        .setHost(host)
        .setPort(port)
        .setHttp2ClearTextEnabled(true)
        .setTcpNoDelay(true)
        .setTcpFastOpen(true)
        .setReusePort(true)
        .setReadIdleTimeout(IDLE_SECONDS)
        .setMaxInitialLineLength(MAX_INITIAL_LINE)
        .setMaxHeaderSize(MAX_HEADER_BYTES)
        .setInitialSettings(new Http2Settings().setMaxConcurrentStreams(MAX_CONCURRENT_STREAMS).setMaxHeaderListSize(MAX_HEADER_BYTES));
  }

  /**
   * Makes {@code server} answer an HTTP/1.1 request its codec could not read (a garbled request
   * line, headers too long) with a problem+json 4xx, like every other error, instead of Vert.x's
   * empty default answer; then the connection closes.
   */
  public static HttpServer guarded(HttpServer server) {
    return server.invalidRequestHandler(HttpServers::answerInvalid);
  }

  static void answerInvalid(HttpServerRequest request) {
    Throwable cause = request.decoderResult() == null ? null : request.decoderResult().cause();
    HttpProblem problem;
    if (cause instanceof TooLongHttpLineException) {
      problem = new HttpProblem(414, "URI Too Long", "the request line must be at most " + MAX_INITIAL_LINE + " bytes", "path");
    } else if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
      problem = new HttpProblem(431, "Request Header Fields Too Large", "the headers must be at most " + MAX_HEADER_BYTES + " bytes", "headers");
    } else {
      problem = HttpProblem.badRequest(null, "the request is not valid HTTP");
    }
    HttpServerResponse response = request.response();
    if (response.ended() || response.closed()) {
      return;
    }
    String requestId = java.util.UUID.randomUUID().toString();
    response
        .setStatusCode(problem.status())
        .putHeader("Content-Type", ProblemHandler.CONTENT_TYPE)
        .putHeader("Connection", "close")
        .end(problem.toJson(requestId).toBuffer())
        .onComplete(done -> request.connection().close());
  }
}
