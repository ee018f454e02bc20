package dev.tcs.sidecar.http;

import dev.tcs.core.auth.Principal;
import dev.tcs.core.auth.Tokens;
import dev.tcs.core.http.HttpProblem;
import dev.tcs.core.http.RequestIds;
import dev.tcs.core.model.Hosts;
import dev.tcs.core.model.TenantIds;
import dev.tcs.core.model.ValidationException;
import dev.tcs.core.read.ETags;
import dev.tcs.core.read.ReadApi;
import dev.tcs.core.read.ReadFastPath;
import dev.tcs.core.read.ReadKey;
import dev.tcs.core.read.SessionRoute;
import dev.tcs.sidecar.SidecarMetrics.Read;
import dev.tcs.sidecar.SidecarMetrics;
import dev.tcs.sidecar.cache.CachingReader;
import dev.tcs.sidecar.cache.ConsumerGrants;
import dev.tcs.sidecar.cache.Hit;
import dev.tcs.sidecar.cache.InvalidationRefresh;
import dev.tcs.sidecar.lane.RegionAnswer;
import dev.tcs.sidecar.lane.RegionRequest;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The read API, identical to a region's: {@code GET /v1/tenants/{tenantId}/context} and
 * {@code GET /v1/hosts/{host}/context}.
 *
 * <p>Validates the path, verifies the bearer token itself (a reader token, or a session of one
 * opened here with {@code POST /v1/sessions}; its subject is the consumer), then answers from the
 * cache or through a hedged fetch, which asks the regions with the token itself. A value carries
 * {@code ETag}, {@code TCS-Version}, {@code TCS-Region} (the region it came from) and
 * {@code TCS-Tenant}, and {@code If-None-Match} gives 304. A region's 404, 403 or 401 is answered
 * as the sidecar's own {@code application/problem+json}, keeping the region's title and detail.
 * A fresh hit of a token that verified before is answered by {@link #fastPath} without routing.
 * Runs on the server's event loop; never blocks; one instance serves every read verticle.
 */
public final class ReadRoutes {
  private final Tokens tokens;
  private final CachingReader reader;
  private final SidecarMetrics metrics;
  private final ConsumerGrants grants;
  private final BiConsumer<Principal, String> verifiedReader;

  /**
   * @param verifiedReader told the principal and {@code Authorization} header of each read whose
   *     token verified on the routed path ({@link InvalidationRefresh#remember}); a token takes that
   *     path at least once before the fast path accepts it
   */
  public ReadRoutes(Tokens tokens, CachingReader reader, SidecarMetrics metrics, ConsumerGrants grants, BiConsumer<Principal, String> verifiedReader) {
    this.tokens = tokens;
    this.reader = reader;
    this.metrics = metrics;
    this.grants = grants;
    this.verifiedReader = verifiedReader;
  }

  /** Adds the two read routes, and {@link SessionRoute}, to {@code router} (a core {@code Routers.base} router). */
  public void mount(Router router) {
    router.get(ReadApi.TENANT_ROUTE).handler(this::readTenant);
    router.get(ReadApi.HOST_ROUTE).handler(this::readHost);
    SessionRoute.mount(router, tokens);
  }

  /**
   * The read server's fast path: fresh cache hits of verified reader tokens answered by core's
   * {@link ReadFastPath} (its request handler, and its connection handler for HTTP/2) before
   * vertx-web routing; everything else by {@code router} (which has these routes mounted).
   */
  public ReadFastPath fastPath(Router router) {
    return new ReadFastPath(tokens, Principal.READER, this::hit, null, router);
  }

  /** A fresh cached value of {@code key}, counted as a hit (and refreshed ahead when due), or null. */
  Hit hit(ReadKey key, String authorization) {
    if (!grants.confirmedRecently(key.consumer())) {
      return null; // a due recheck or a revoked consumer: the routed path decides
    }
    long start = System.nanoTime();
    Hit hit = reader.cachedHit(key);
    if (hit == null) {
      return null;
    }
    metrics.read(Read.HIT, start);
    if (hit.superseded()) {
      metrics.supersededHit();
    }
    reader.refreshAhead(key, hit, () -> refreshRequest(key, tokens.bearerFor(authorization)));
    return hit;
  }

  private static RegionRequest refreshRequest(ReadKey key, String authorization) {
    return key.kind() == ReadKey.Kind.TENANT
        ? new RegionRequest(ReadApi.tenantPath(key.id()), key.id(), authorization, RequestIds.next())
        : new RegionRequest(ReadApi.hostPath(key.id()), null, authorization, RequestIds.next());
  }

  private void readTenant(RoutingContext ctx) {
    String tenantId;
    try {
      tenantId = TenantIds.require(ReadApi.TENANT_PARAM, ctx.pathParam(ReadApi.TENANT_PARAM));
    } catch (ValidationException e) {
      ctx.fail(e);
      return;
    }
    read(ctx, ReadKey.Kind.TENANT, tenantId, ReadApi.tenantPath(tenantId), tenantId);
  }

  private void readHost(RoutingContext ctx) {
    String host;
    try {
      host = Hosts.require(ReadApi.HOST_PARAM, ctx.pathParam(ReadApi.HOST_PARAM));
    } catch (ValidationException e) {
      ctx.fail(e);
      return;
    }
    read(ctx, ReadKey.Kind.HOST, host, ReadApi.hostPath(host), null);
  }

  private void read(RoutingContext ctx, ReadKey.Kind kind, String id, String path, String expectedTenant) {
    tokens
        .require(ctx, Principal.READER)
        .onSuccess(principal -> {
          String bearer = tokens.bearerFor(ctx.request().getHeader(ReadApi.AUTHORIZATION));
          verifiedReader.accept(principal, bearer);
          serve(ctx, new ReadKey(kind, id, principal.subject()), path, expectedTenant, bearer);
        })
        .onFailure(ctx::fail);
  }

  /** @param bearer the reader's token, sent on to the regions (a session stands for one here only) */
  private void serve(RoutingContext ctx, ReadKey key, String path, String expectedTenant, String bearer) {
    long start = System.nanoTime();
    boolean fromCache = grants.mayAnswerFromCache(key.consumer());
    RegionAnswer hit = fromCache ? reader.cached(key) : null;
    if (hit != null) {
      metrics.read(Read.HIT, start);
      respond(ctx, hit);
      return;
    }
    RegionRequest request =
        new RegionRequest(path, expectedTenant, bearer, RequestIds.of(ctx));
    Future.fromCompletionStage(reader.load(key, request, !fromCache), ctx.vertx().getOrCreateContext())
        .onSuccess(
            served -> {
              if (served.outcome() == Read.MISS) {
                grants.observe(key.consumer(), served.answer().status());
              }
              metrics.read(served.outcome(), start);
              if (served.outcome() == Read.STALE) {
                markStale(ctx.response(), reader.ageNanos(key));
              }
              respond(ctx, served.answer());
            })
        .onFailure(
            failure -> {
              metrics.read(Read.ERROR, start);
              ctx.fail(failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure);
            });
  }

  /** A value no region confirmed: {@code TCS-Stale: true} and its {@code Age} in whole seconds. */
  private static void markStale(HttpServerResponse response, long ageNanos) {
    response.putHeader(ReadApi.STALE_HEADER, ReadApi.STALE_TRUE);
    if (ageNanos >= 0) {
      response.putHeader(ReadApi.AGE_HEADER, Long.toString(TimeUnit.NANOSECONDS.toSeconds(ageNanos)));
    }
  }

  private static void respond(RoutingContext ctx, RegionAnswer answer) {
    HttpServerResponse response = ctx.response();
    response.putHeader(ReadApi.REGION, answer.servedBy());
    if (answer.tenantId() != null) {
      response.putHeader(ReadApi.TENANT, answer.tenantId());
    }
    if (answer.isVersioned()) {
      response.putHeader(ReadApi.VERSION, Long.toString(answer.version()));
      if (answer.revision() >= 0) {
        response.putHeader(ReadApi.REVISION, Long.toString(answer.revision()));
      }
    }
    if (!answer.isValue()) {
      ctx.fail(problemOf(answer));
      return;
    }
    response.putHeader(ReadApi.ETAG, answer.etag());
    if (ETags.matches(ctx.request().getHeader(ReadApi.IF_NONE_MATCH), answer.etag())) {
      response.setStatusCode(304).end();
      return;
    }
    response.putHeader("Content-Type", answer.contentType()).end(answer.body());
  }

  /** The region's problem, re-issued under this request's id; its title, detail and field kept when readable. */
  static HttpProblem problemOf(RegionAnswer answer) {
    JsonObject json = null;
    try {
      if (answer.body().length() > 0 && answer.body().getByte(0) == '{') {
        json = answer.body().toJsonObject();
      }
    } catch (RuntimeException e) {
      json = null;
    }
    String title = text(json, "title", defaultTitle(answer.status()));
    String detail = text(json, "detail", "the region answered status " + answer.status());
    String field = text(json, "field", null);
    return new HttpProblem(answer.status(), title, detail, field);
  }

  private static String text(JsonObject json, String key, String fallback) {
    Object value = json == null ? null : json.getValue(key);
    return value instanceof String text && !text.isBlank() && text.length() <= 1000 ? text : fallback;
  }

  private static String defaultTitle(int status) {
    return switch (status) {
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      default -> "Error";
    };
  }
}
