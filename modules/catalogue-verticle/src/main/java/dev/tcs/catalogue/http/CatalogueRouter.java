package dev.tcs.catalogue.http;

import dev.tcs.catalogue.CatalogueMetrics;
import dev.tcs.catalogue.CatalogueMetrics.WriteOutcome;
import dev.tcs.catalogue.command.Actor;
import dev.tcs.catalogue.command.Change;
import dev.tcs.catalogue.command.EntityTags;
import dev.tcs.catalogue.command.TenantCommands;
import dev.tcs.catalogue.command.WriteResult;
import dev.tcs.catalogue.store.DynamoEventStore;
import dev.tcs.catalogue.store.EventStore;
import dev.tcs.catalogue.store.Head;
import dev.tcs.catalogue.store.TenantSummary;
import dev.tcs.core.auth.Principal;
import dev.tcs.core.auth.Tokens;
import dev.tcs.core.http.HttpProblem;
import dev.tcs.core.http.OpsRoutes;
import dev.tcs.core.http.RequestIds;
import dev.tcs.core.http.Routers;
import dev.tcs.core.http.TokenGate;
import io.vertx.core.Handler;
import dev.tcs.core.model.CatalogueEvent;
import dev.tcs.core.model.TenantContext;
import dev.tcs.core.model.ValidationException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.function.Function;

/**
 * The catalogue's HTTP API (every route needs a bearer token with role {@code writer}: the
 * catalogue holds whole documents, credentials included):
 *
 * <pre>
 * PUT    /v1/tenants/{id}          create (201 + Location) or replace (200); unchanged documents add no version
 * PATCH  /v1/tenants/{id}          JSON merge patch (Content-Type: application/merge-patch+json)
 * DELETE /v1/tenants/{id}          200 with the deletion's version
 * GET    /v1/tenants/{id}          strongly consistent; 404 (with ETag) when deleted; If-None-Match gives 304
 * GET    /v1/tenants/{id}/history  ?limit=1..100 (20) &amp;from=version: newest first, "next" is the following from
 * POST   /v1/tenants/{id}/restore  {"version": N}: a new "restored" version carrying N's document
 * GET    /v1/tenants               ?limit=1..500 (50) &amp;cursor=: operators' listing, "next" is the following cursor
 * </pre>
 *
 * Writes honour {@code If-Match} / {@code If-None-Match} (412); answers carrying a version carry
 * {@code ETag: "N"}. A tenant answer is {@code {tenantId, version, deleted, updatedAt, document}}
 * plus {@code change} for writes. Errors are problem+json naming the field. Handlers run on the
 * event loop and only compose futures.
 */
public final class CatalogueRouter {
  /** Slightly above the 64 KiB document limit, so a slightly larger body gets core's exact message. */
  static final long BODY_LIMIT = TenantContext.MAX_BYTES + 4096;

  private static final String COUNTED = "tcs.catalogue.counted";
  private static final String TENANT = "/v1/tenants/:id";

  private final TenantCommands commands;
  private final EventStore store;
  private final Tokens tokens;
  private final CatalogueMetrics metrics;

  private CatalogueRouter(TenantCommands commands, EventStore store, Tokens tokens, CatalogueMetrics metrics) {
    this.commands = commands;
    this.store = store;
    this.tokens = tokens;
    this.metrics = metrics;
  }

  /** The whole router: core's base (request ids, /metrics, /health/*, problem+json) plus the API. */
  public static Router create(
      Vertx vertx,
      TenantCommands commands,
      EventStore store,
      Tokens tokens,
      CatalogueMetrics metrics,
      PrometheusMeterRegistry registry,
      List<OpsRoutes.Check> readiness) {
    CatalogueRouter api = new CatalogueRouter(commands, store, tokens, metrics);
    Router router = Routers.base(vertx, registry, readiness);
    BodyHandler body = BodyHandler.create(false).setBodyLimit(BODY_LIMIT);
    Handler<RoutingContext> writer = TokenGate.require(tokens, Principal.WRITER); // before any body is read
    router.put(TENANT).handler(writer).handler(body).handler(api::put).failureHandler(api::countRejected);
    router.patch(TENANT).handler(writer).handler(body).handler(api::patch).failureHandler(api::countRejected);
    router.delete(TENANT).handler(api::delete);
    router.get(TENANT).handler(api::get);
    router.get(TENANT + "/history").handler(api::history);
    router.post(TENANT + "/restore").handler(writer).handler(body).handler(api::restore).failureHandler(api::countRejected);
    router.get("/v1/tenants").handler(api::list);
    return router;
  }

  // ---- writes ----

  private void put(RoutingContext ctx) {
    write(
        ctx,
        actor -> {
          String tenantId = Requests.tenantId(ctx);
          Requests.requireContentType(ctx.request().getHeader("Content-Type"), Requests.JSON);
          var pre = Requests.preconditions(ctx);
          TenantContext context = TenantContext.fromRequest(tenantId, ctx.body().buffer());
          return commands.put(tenantId, context, pre, actor);
        });
  }

  private void patch(RoutingContext ctx) {
    write(
        ctx,
        actor -> {
          String tenantId = Requests.tenantId(ctx);
          Requests.requireContentType(ctx.request().getHeader("Content-Type"), Requests.MERGE_PATCH);
          var pre = Requests.preconditions(ctx);
          JsonObject patch = Requests.mergePatch(ctx.body().buffer());
          return commands.patch(tenantId, patch, pre, actor);
        });
  }

  private void delete(RoutingContext ctx) {
    write(ctx, actor -> commands.delete(Requests.tenantId(ctx), Requests.preconditions(ctx), actor));
  }

  private void restore(RoutingContext ctx) {
    write(
        ctx,
        actor -> {
          String tenantId = Requests.tenantId(ctx);
          Requests.requireContentType(ctx.request().getHeader("Content-Type"), Requests.JSON);
          var pre = Requests.preconditions(ctx);
          long version = Requests.restoreVersion(ctx.body().buffer());
          return commands.restore(tenantId, version, pre, actor);
        });
  }

  /** Authenticates a writer, runs {@code command}, answers, and counts the outcome. */
  private void write(RoutingContext ctx, Function<Actor, Future<WriteResult>> command) {
    tokens
        .require(ctx, Principal.WRITER)
        .compose(principal -> command.apply(new Actor(principal.subject(), RequestIds.of(ctx))))
        .onSuccess(
            result -> {
              count(ctx, outcomeOf(result.change()));
              answerWrite(ctx, result);
            })
        .onFailure(
            failure -> {
              WriteOutcome outcome = outcomeOf(failure);
              if (outcome != null) {
                count(ctx, outcome);
              }
              ctx.fail(failure);
            });
  }

  /** Counts writes rejected before the handler ran (the body handler's 413). */
  private void countRejected(RoutingContext ctx) {
    if (ctx.get(COUNTED) == null && ctx.statusCode() == 413) {
      count(ctx, WriteOutcome.INVALID);
    }
    ctx.next();
  }

  private void count(RoutingContext ctx, WriteOutcome outcome) {
    ctx.put(COUNTED, Boolean.TRUE);
    metrics.write(outcome);
  }

  private static void answerWrite(RoutingContext ctx, WriteResult result) {
    Head head = result.head();
    int status = 200;
    if (result.change() == Change.CREATED) {
      status = 201;
      ctx.response().putHeader("Location", "/v1/tenants/" + head.tenantId());
    }
    ctx.response().putHeader("ETag", EntityTags.format(head.version()));
    json(ctx, status, tenantJson(head).put("change", result.change().wireName()));
  }

  static WriteOutcome outcomeOf(Change change) {
    return switch (change) {
      case CREATED -> WriteOutcome.CREATED;
      case UPDATED -> WriteOutcome.UPDATED;
      case DELETED -> WriteOutcome.DELETED;
      case RESTORED -> WriteOutcome.RESTORED;
      case UNCHANGED -> WriteOutcome.UNCHANGED;
    };
  }

  /** The outcome of a failed write; null for a rejected token (not a write attempt). */
  static WriteOutcome outcomeOf(Throwable failure) {
    if (failure instanceof HttpProblem problem) {
      return switch (problem.status()) {
        case 401, 403 -> null;
        case 404 -> WriteOutcome.NOT_FOUND;
        case 409 -> WriteOutcome.CONFLICT;
        case 412 -> WriteOutcome.PRECONDITION_FAILED;
        case 400, 413, 415 -> WriteOutcome.INVALID;
        default -> WriteOutcome.ERROR;
      };
    }
    return failure instanceof ValidationException ? WriteOutcome.INVALID : WriteOutcome.ERROR;
  }

  // ---- reads ----

  private void get(RoutingContext ctx) {
    tokens
        .require(ctx, Principal.WRITER)
        .compose(
            principal -> {
              String tenantId = Requests.tenantId(ctx);
              EntityTags ifNoneMatch = EntityTags.parse("If-None-Match", ctx.request().getHeader("If-None-Match"));
              return commands.get(tenantId).map(head -> answerGet(ctx, head, ifNoneMatch));
            })
        .onFailure(ctx::fail);
  }

  private static Void answerGet(RoutingContext ctx, Head head, EntityTags ifNoneMatch) {
    ctx.response().putHeader("ETag", EntityTags.format(head.version()));
    if (head.deleted()) {
      throw HttpProblem.notFound(
          "tenant '" + head.tenantId() + "' was deleted at version " + head.version() + "; see its history or restore it");
    }
    if (ifNoneMatch != null && ifNoneMatch.matches(head.version())) {
      ctx.response().setStatusCode(304).end();
      return null;
    }
    json(ctx, 200, tenantJson(head));
    return null;
  }

  private void history(RoutingContext ctx) {
    tokens
        .require(ctx, Principal.WRITER)
        .compose(
            principal -> {
              String tenantId = Requests.tenantId(ctx);
              int limit = (int) Requests.longParam(ctx, "limit", 1, 100, 20);
              long from = Requests.longParam(ctx, "from", 1, Long.MAX_VALUE, Long.MAX_VALUE);
              return store.history(tenantId, from, limit).map(page -> {
                if (page.items().isEmpty()) {
                  throw HttpProblem.notFound("tenant '" + tenantId + "' has no history");
                }
                JsonArray items = new JsonArray();
                for (CatalogueEvent event : page.items()) {
                  items.add(event.toJson());
                }
                JsonObject body =
                    new JsonObject()
                        .put("tenantId", tenantId)
                        .put("order", "newest-first")
                        .put("items", items)
                        .put("next", page.next() == null ? null : Long.parseLong(page.next()));
                json(ctx, 200, body);
                return null;
              });
            })
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    tokens
        .require(ctx, Principal.WRITER)
        .compose(
            principal -> {
              int limit = (int) Requests.longParam(ctx, "limit", 1, 500, 50);
              String cursor = Requests.singleParam(ctx, "cursor");
              if (cursor != null) {
                DynamoEventStore.decodeCursor(cursor);
              }
              return store.tenants(cursor, limit).map(page -> {
                JsonArray items = new JsonArray();
                for (TenantSummary tenant : page.items()) {
                  items.add(
                      new JsonObject()
                          .put("tenantId", tenant.tenantId())
                          .put("version", tenant.version())
                          .put("deleted", tenant.deleted())
                          .put("updatedAt", tenant.updatedAt().toString()));
                }
                json(ctx, 200, new JsonObject().put("items", items).put("next", page.next()));
                return null;
              });
            })
        .onFailure(ctx::fail);
  }

  // ---- answers ----

  /** {@code {tenantId, version, deleted, updatedAt, document}}; document is null when deleted. */
  static JsonObject tenantJson(Head head) {
    return new JsonObject()
        .put("tenantId", head.tenantId())
        .put("version", head.version())
        .put("deleted", head.deleted())
        .put("updatedAt", head.updatedAt().toString())
        .put("document", head.document());
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        // Documents carry credentials: no shared cache may keep them.
        .putHeader("Cache-Control", "no-store")
        .end(body.toBuffer());
  }
}
