package dev.tcs.core.read;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import dev.tcs.core.http.RequestIds;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import java.util.function.BiConsumer;

/**
 * The headers of a cached value's 200 (and of its 304), prepared once when the value is cached:
 * {@code ETag}, {@code TCS-Version}, {@code TCS-Revision}, {@code TCS-Tenant}, {@code Content-Type}
 * and, when the cache knows it per entry, {@code TCS-Region}, each as a Vert.x optimized
 * {@code CharSequence}, so a hit builds no string and Netty encodes no value afresh. Values many
 * entries repeat (all but the tenant) are {@link HeaderValues shared} across entries.
 *
 * <p>Written two ways, with the same headers: to a Vert.x response ({@link #answer}), and straight
 * to an HTTP/2 stream by {@link ReadFastPath}'s frame-level path ({@link #write}).
 *
 * <p>Immutable; one instance is written to many responses from any event loop.
 */
public final class HitHeaders {
  private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
  private static final AsciiString OK = HttpResponseStatus.OK.codeAsText();
  private static final AsciiString NOT_MODIFIED = HttpResponseStatus.NOT_MODIFIED.codeAsText();
  /** The header entries a 200 has at most: status, six of ours, request id, length. */
  private static final int MOST_HEADERS = 9;

  private final String etagText;
  private final CharSequence etag;
  private final CharSequence version;
  private final CharSequence revision;
  private final CharSequence tenant;
  private final CharSequence region;
  private final CharSequence contentType;

  private HitHeaders(String etag, String tenantId, Stamp stamp, String region, String contentType) {
    // Every value but the tenant is one of a few thousand a whole cache repeats: shared, not copied per entry.
    this.etagText = HeaderValues.text(etag);
    this.etag = HeaderValues.encoded(etag);
    this.version = stamp.isKnown() ? HeaderValues.encoded(Long.toString(stamp.version())) : null;
    this.revision = stamp.isKnown() && stamp.hasRevision() ? HeaderValues.encoded(Long.toString(stamp.revision())) : null;
    this.tenant = tenantId == null ? null : HttpHeaders.createOptimized(tenantId);
    this.region = region == null ? null : HeaderValues.encoded(region);
    this.contentType =
        contentType == null || contentType.equals("application/json") ? APPLICATION_JSON : HeaderValues.encoded(contentType);
  }

  /**
   * The headers of a value.
   *
   * @param etag the quoted entity tag ({@link ETags#of})
   * @param tenantId the tenant, or null when unknown (then no {@code TCS-Tenant})
   * @param stamp version and revision; an unknown version or revision is left out
   * @param region the serving region, or null when the caller sets {@code TCS-Region} itself
   * @param contentType the body's media type; null means {@code application/json}
   */
  public static HitHeaders of(String etag, String tenantId, Stamp stamp, String region, String contentType) {
    return new HitHeaders(etag, tenantId, stamp, region, contentType);
  }

  /** The quoted entity tag, for {@link ETags#matches}. */
  public String etagText() {
    return etagText;
  }

  /**
   * Answers {@code request} with {@code body}, or with 304 and the same headers when its
   * {@code If-None-Match} matches the tag. Ends the response.
   */
  public void answer(HttpServerRequest request, Buffer body) {
    HttpServerResponse response = request.response();
    MultiMap headers = response.headers();
    putEach(headers::set, null);
    String ifNoneMatch = request.getHeader(HttpHeaders.IF_NONE_MATCH);
    if (ifNoneMatch != null && ETags.matches(ifNoneMatch, etagText)) {
      response.setStatusCode(304).end();
      return;
    }
    headers.set(HttpHeaders.CONTENT_TYPE, contentType);
    response.end(body);
  }

  /**
   * Answers HTTP/2 stream {@code streamId} on the connection of {@code ctx} as {@link #answer}
   * would through Vert.x: the same headers (names lowercase, as HTTP/2 sends them), with
   * {@code Content-Length}, or a 304 when {@code ifNoneMatch} matches. Writes through the
   * connection's encoder (its flow control and HPACK table); the connection flushes when it has
   * read what arrived.
   *
   * @param writes the void promise the frames are written with ({@code Http2HitListener})
   * @param requestId the caller's {@code X-Request-Id} to echo (already checked), or null
   * @param region {@code TCS-Region} when these headers lack it, or null
   */
  void write(ChannelHandlerContext ctx, Http2ConnectionEncoder encoder, ChannelPromise writes, int streamId, Buffer body, CharSequence ifNoneMatch, CharSequence requestId, CharSequence region) {
    Http2Headers headers = new DefaultHttp2Headers(false, false, MOST_HEADERS); // values checked when prepared
    putEach(headers::add, region);
    if (requestId != null) {
      headers.add(RequestIds.HEADER_NAME, requestId);
    }
    if (ifNoneMatch != null && ETags.matches(ifNoneMatch.toString(), etagText)) {
      encoder.writeHeaders(ctx, streamId, headers.status(NOT_MODIFIED), 0, true, writes);
      return;
    }
    ByteBuf content = ((BufferInternal) body).getByteBuf();
    headers.add(HttpHeaders.CONTENT_TYPE, contentType);
    headers.add(HttpHeaders.CONTENT_LENGTH, AsciiString.of(Integer.toString(content.readableBytes())));
    encoder.writeHeaders(ctx, streamId, headers.status(OK), 0, false, writes);
    encoder.writeData(ctx, streamId, content, 0, true, writes);
  }

  /** Puts each prepared header but the media type; {@code region} in place of this value's, when not null. */
  private void putEach(BiConsumer<CharSequence, CharSequence> put, CharSequence region) {
    put.accept(HttpHeaders.ETAG, etag);
    if (version != null) {
      put.accept(ReadApi.VERSION_HEADER, version);
    }
    if (revision != null) {
      put.accept(ReadApi.REVISION_HEADER, revision);
    }
    if (tenant != null) {
      put.accept(ReadApi.TENANT_HEADER, tenant);
    }
    if (region != null || this.region != null) {
      put.accept(ReadApi.REGION_HEADER, region != null ? region : this.region);
    }
  }
}
