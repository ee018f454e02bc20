package dev.tcs.core.read;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.VoidChannelPromise;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2FrameListenerDecorator;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.impl.HttpServerConnection;

/**
 * {@link ReadFastPath}'s frame level on one HTTP/2 connection: sits in front of Vert.x's frame
 * listener, answers a hit as its request's HEADERS frame is decoded, and passes every other
 * frame on as it arrived.
 *
 * <p>Netty's decoder has already opened the stream and checked the frame (header list size,
 * pseudo-headers, concurrent streams) when a listener sees it. A stream answered here never
 * reaches Vert.x: Vert.x only acts on streams it registered itself, and ignores the close of
 * one it did not. The connection's handler flushes what was written when it has read what
 * arrived ({@code channelReadComplete}), as it does for Vert.x's own writes.
 *
 * <p>This reaches below Vert.x's public API, to the Netty handler of its HTTP/2 server connection
 * ({@code HttpServerConnection.channelHandlerContext()}, Vert.x 5.0). Where that is not there (an
 * HTTP/1.1 connection, another Vert.x), nothing is installed and {@link ReadFastPath#handle}
 * answers hits as Vert.x requests.
 */
final class Http2HitListener extends Http2FrameListenerDecorator {
  private final ReadFastPath fastPath;
  private final Http2ConnectionEncoder encoder;
  /**
   * The promise every hit's frames are written with: none is awaited, and a failure is not fired
   * down the pipeline. Netty's own void promise ({@code ctx.voidPromise()}) fires it, and Vert.x's
   * handler closes the connection on any exception that reaches it: a hit whose body still waited
   * in flow control when the client reset its stream (a read the sidecar gave up on) took down every
   * other read on that connection.
   */
  private final ChannelPromise writes;

  private Http2HitListener(Http2FrameListener vertx, ReadFastPath fastPath, Http2ConnectionEncoder encoder, Channel channel) {
    super(vertx);
    this.fastPath = fastPath;
    this.encoder = encoder;
    this.writes = new VoidChannelPromise(channel, false);
  }

  /**
   * Installs the listener when {@code connection} is HTTP/2 and its decoder already has Vert.x's
   * listener (Vert.x sets it when the client's SETTINGS arrive, before it reports the
   * connection); otherwise leaves it as it is.
   */
  static void install(HttpConnection connection, ReadFastPath fastPath) {
    if (connection instanceof HttpServerConnection server
        && server.channelHandlerContext() != null
        && server.channelHandlerContext().handler() instanceof Http2ConnectionHandler http2) {
      Http2ConnectionDecoder decoder = http2.decoder();
      Http2FrameListener vertx = decoder.frameListener();
      if (vertx != null && !(vertx instanceof Http2HitListener)) {
        decoder.frameListener(new Http2HitListener(vertx, fastPath, http2.encoder(), server.channelHandlerContext().channel()));
      }
    }
  }

  @Override
  public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding, boolean endOfStream) throws Http2Exception {
    if (!(endOfStream && isWholeRequest(streamId) && fastPath.answered(ctx, encoder, writes, streamId, headers))) {
      super.onHeadersRead(ctx, streamId, headers, padding, endOfStream);
    }
  }

  @Override
  public void onHeadersRead(
      ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency, short weight, boolean exclusive, int padding, boolean endOfStream)
      throws Http2Exception {
    if (!(endOfStream && isWholeRequest(streamId) && fastPath.answered(ctx, encoder, writes, streamId, headers))) {
      super.onHeadersRead(ctx, streamId, headers, streamDependency, weight, exclusive, padding, endOfStream);
    }
  }

  /**
   * Whether the HEADERS frame just decoded, which ended its stream, opened it too: a request with
   * no body and no trailers. (Trailers end a stream that was open.)
   */
  private boolean isWholeRequest(int streamId) {
    Http2Stream stream = encoder.connection().stream(streamId);
    return stream != null && stream.state() == Http2Stream.State.HALF_CLOSED_REMOTE;
  }
}
