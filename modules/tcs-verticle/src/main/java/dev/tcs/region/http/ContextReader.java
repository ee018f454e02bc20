package dev.tcs.region.http;

import dev.tcs.core.auth.Principal;
import dev.tcs.core.auth.Tokens;
import dev.tcs.core.http.HttpProblem;
import dev.tcs.core.model.Hosts;
import dev.tcs.core.model.TenantIds;
import dev.tcs.core.model.ValidationException;
import dev.tcs.core.read.ReadApi;
import dev.tcs.core.read.ReadFastPath;
import dev.tcs.core.read.ReadKey;
import dev.tcs.core.read.SessionRoute;
import dev.tcs.core.security.KnownDefinitions;
import dev.tcs.region.RegionMetrics;
import dev.tcs.region.RegionMetrics.Read;
import dev.tcs.region.cache.CachedView;
import dev.tcs.region.cache.ViewCache;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read API ({@link ReadApi}): {@code GET /v1/tenants/{tenantId}/context} and
 * {@code GET /v1/hosts/{host}/context}.
 *
 * <p>The bearer token must carry the reader role (403 otherwise: a writer token is not a
 * consumer's); its subject is the consumer; a consumer without a view in the newest definitions
 * the region knows (a rebuild's revision takes effect when it arrives)
 * gets 403, an invalid id or host 400 naming the path parameter, an unknown or deleted tenant or
 * host 404 (all {@code application/problem+json} through core's failure handler); a deleted
 * tenant's or dropped host's 404 carries {@code TCS-Tenant}, {@code TCS-Version} and
 * {@code TCS-Revision} of its tombstone, so a sidecar ranks the delete above older values. The answer is
 * that consumer's view body with {@code ETag: "<version>.<revision>"}, {@code TCS-Version},
 * {@code TCS-Revision}, {@code TCS-Region} and {@code TCS-Tenant}; a matching
 * {@code If-None-Match} gets 304 with the same headers. Every answer, errors included, says
 * which region gave it ({@code TCS-Region}).
 *
 * <p>A cache hit is answered on the calling event loop without leaving it: the body buffer and
 * header values come prepared from the cache ({@link CachedView#hit()}); {@link #fastPath} answers
 * hits of verified reader tokens before vertx-web routing, the routes answer the rest. A miss completes on a store thread and comes back
 * to the request's context. One instance serves every read verticle of a region.
 */
public final class ContextReader {
  private static final Logger log = LoggerFactory.getLogger(ContextReader.class);
  private static final long ERROR_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final ViewCache cache;
  private final Tokens tokens;
  private final KnownDefinitions definitions;
  private final RegionMetrics metrics;
  private final CharSequence regionHeader;
  private final String region;
  private final AtomicLong lastErrorLog = new AtomicLong(System.nanoTime() - ERROR_LOG_INTERVAL_NANOS);

  public ContextReader(String region, ViewCache cache, Tokens tokens, KnownDefinitions definitions, RegionMetrics metrics) {
    this.region = region;
    this.cache = cache;
    this.tokens = tokens;
    this.definitions = definitions;
    this.metrics = metrics;
    this.regionHeader = HttpHeaders.createOptimized(region);
  }

  /** Adds the read routes, and {@link SessionRoute}, to {@code router} (a core {@code Routers.base} router). */
  public void mount(Router router) {
    router.get(ReadApi.TENANT_ROUTE).handler(this::byTenant);
    router.get(ReadApi.HOST_ROUTE).handler(this::byHost);
    SessionRoute.mount(router, tokens);
  }

  /** {@value ReadApi#TENANT_ROUTE}. */
  public void byTenant(RoutingContext ctx) {
    read(ctx, ReadKey.Kind.TENANT, ReadApi.TENANT_PARAM);
  }

  /** {@value ReadApi#HOST_ROUTE}. */
  public void byHost(RoutingContext ctx) {
    read(ctx, ReadKey.Kind.HOST, ReadApi.HOST_PARAM);
  }

  private void read(RoutingContext ctx, ReadKey.Kind kind, String parameter) {
    long started = System.nanoTime();
    ctx.response().headers().set(ReadApi.REGION_HEADER, regionHeader);
    tokens.require(ctx, Principal.READER).onComplete(auth -> authorized(ctx, kind, parameter, auth, started));
  }

  private void authorized(RoutingContext ctx, ReadKey.Kind kind, String parameter, AsyncResult<Principal> auth, long started) {
    if (auth.failed()) {
      boolean forbidden = auth.cause() instanceof HttpProblem problem && problem.status() == 403;
      fail(ctx, forbidden ? Read.FORBIDDEN : Read.UNAUTHORIZED, auth.cause(), started);
      return;
    }
    String consumer = auth.result().subject();
    if (!definitions.newest().hasView(consumer)) {
      fail(ctx, Read.FORBIDDEN, HttpProblem.forbidden("consumer '" + consumer + "' has no view of tenant contexts"), started);
      return;
    }
    ReadKey key = key(kind, ctx.pathParam(parameter), consumer);
    if (key == null) {
      fail(ctx, Read.BAD_REQUEST, invalid(kind, parameter, ctx.pathParam(parameter)), started);
      return;
    }
    CompletableFuture<CachedView> entry = cache.get(key);
    if (entry.isDone() && !entry.isCompletedExceptionally()) {
      answer(ctx, key, entry.join(), true, started);
      return;
    }
    Context current = Vertx.currentContext();
    Context context = current != null ? current : ctx.vertx().getOrCreateContext();
    entry.whenComplete((view, error) -> context.runOnContext(v -> answer(ctx, key, error == null ? view : null, false, started)));
  }

  private void answer(RoutingContext ctx, ReadKey key, CachedView view, boolean hit, long started) {
    if (view == null || view.failed()) {
      logFailure(key, view);
      fail(ctx, Read.ERROR, HttpProblem.unavailable("the region's view store did not answer; retry, or read another region"), started);
      return;
    }
    if (!view.found()) {
      if (view.tenantHeader() != null) { // a tombstone: say which tenant and version it speaks of
        MultiMap headers = ctx.response().headers();
        headers.set(ReadApi.TENANT_HEADER, view.tenantHeader());
        headers.set(ReadApi.VERSION_HEADER, view.versionHeader());
        if (view.revisionHeader() != null) {
          headers.set(ReadApi.REVISION_HEADER, view.revisionHeader());
        }
      }
      String what = key.kind() == ReadKey.Kind.TENANT ? "tenant '" + key.id() + "'" : "host '" + key.id() + "'";
      fail(ctx, Read.NOT_FOUND, HttpProblem.notFound(what + " has no context in region " + region), started);
      return;
    }
    view.headers().answer(ctx.request(), view.body());
    metrics.read(hit ? Read.HIT : Read.MISS, started);
  }

  /**
   * The read server's fast path: cache hits answered by core's {@link ReadFastPath} (its request
   * handler, and its connection handler for HTTP/2), everything else by {@code router}; every
   * read goes to the router while {@code routeAll} says so (a fault injected into reads).
   */
  public ReadFastPath fastPath(Router router, BooleanSupplier routeAll) {
    return new ReadFastPath(tokens, Principal.READER, (key, authorization) -> routeAll.getAsBoolean() ? null : hit(key), regionHeader, router);
  }

  /** A cached value of {@code key} for a consumer that has a view, counted as a hit; else null. */
  CachedView hit(ReadKey key) {
    long started = System.nanoTime();
    if (!definitions.newest().hasView(key.consumer())) {
      return null;
    }
    CachedView view = cache.cachedValue(key);
    if (view == null) {
      return null;
    }
    metrics.read(Read.HIT, started);
    return view;
  }

  private void fail(RoutingContext ctx, Read outcome, Throwable problem, long started) {
    metrics.read(outcome, started);
    ctx.fail(problem);
  }

  private static ReadKey key(ReadKey.Kind kind, String value, String consumer) {
    if (kind == ReadKey.Kind.TENANT) {
      return TenantIds.isValid(value) ? ReadKey.tenant(value, consumer) : null;
    }
    String host = value == null ? null : value.toLowerCase(Locale.ROOT);
    return Hosts.isValid(host) ? ReadKey.host(host, consumer) : null;
  }

  /** The 400 for a path parameter that breaks its rule, with the rule's own message. */
  private static HttpProblem invalid(ReadKey.Kind kind, String parameter, String value) {
    try {
      if (kind == ReadKey.Kind.TENANT) {
        TenantIds.require(parameter, value);
      } else {
        Hosts.require(parameter, value);
      }
    } catch (ValidationException e) {
      return HttpProblem.badRequest(parameter, e.getMessage());
    }
    return HttpProblem.badRequest(parameter, parameter + " is not valid");
  }

  /** At most one line per interval: a store outage must not flood the log from the read path. */
  private void logFailure(ReadKey key, CachedView view) {
    long now = System.nanoTime();
    long last = lastErrorLog.get();
    if (now - last >= ERROR_LOG_INTERVAL_NANOS && lastErrorLog.compareAndSet(last, now)) {
      Throwable cause = view == null ? null : view.failure();
      log.warn("view load failed region={} kind={} consumer={} reason={}", region, key.kind(), key.consumer(), String.valueOf(cause));
    }
  }
}
