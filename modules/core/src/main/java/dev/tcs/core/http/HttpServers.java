package dev.tcs.core.http;

import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServerOptions;

/** Server options shared by every component: HTTP/2 cleartext (prior knowledge) and HTTP/1.1 on one port. */
public final class HttpServers {
  private HttpServers() {}

  public static HttpServerOptions options(String host, int port) {
    return new HttpServerOptions()
        .setHost(host)
        .setPort(port)
        .setHttp2ClearTextEnabled(true)
        .setTcpNoDelay(true)
        .setTcpFastOpen(true)
        .setReusePort(true)
        .setIdleTimeout(120)
        .setInitialSettings(new Http2Settings().setMaxConcurrentStreams(1024));
  }
}
