package dev.tcs.catalogue.command;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tcs.catalogue.CatalogueMetrics;
import dev.tcs.catalogue.store.DynamoEventStore;
import dev.tcs.catalogue.store.EventStore;
import dev.tcs.catalogue.store.Head;
import dev.tcs.catalogue.store.HostConflictException;
import dev.tcs.catalogue.store.VersionConflictException;
import dev.tcs.core.http.HttpProblem;
import dev.tcs.core.model.CatalogueEvent;
import dev.tcs.core.model.EventType;
import dev.tcs.core.model.Hosts;
import dev.tcs.core.model.TenantContext;
import dev.tcs.core.model.ValidationException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalogue's commands: decide each write against the tenant's current head, append the
 * resulting event with optimistic concurrency, and tell the outbox about every commit.
 *
 * <p>A write reads the head (strongly consistent), checks the caller's preconditions, decides
 * the new document, and appends version {@code head + 1} conditionally. The head this process
 * last read or wrote is remembered: a write that decides to append on it skips the read, and the
 * append's condition (the head is still at that version) makes that exact; when the condition
 * fails, or the remembered head leads to anything but an append (412, 404, unchanged), the write
 * is decided again on a fresh read. When another writer wins
 * that version, the write starts over from a fresh head, up to {@code attempts} times: a caller
 * with {@code If-Match} then gets 412 (its version is gone), a caller without gets its write
 * applied on top (a merge patch is re-applied to the newer document), or 409 once every attempt
 * lost. A write that would not change the document appends nothing and answers
 * {@link Change#UNCHANGED}, which makes re-sending the same PUT (bulk import) idempotent.
 *
 * <p>Errors are {@link HttpProblem}s (404, 409, 412) or {@link ValidationException}s (400/413).
 * Runs on the caller's event loop; nothing blocks.
 */
public final class TenantCommands {
  /** Told about every committed event, on the writer's context, in commit order per tenant. */
  @FunctionalInterface
  public interface CommitListener {
    /**
     * @param event the committed event
     * @param before the head it was appended to, or null for a tenant's first event
     */
    void committed(CatalogueEvent event, Head before);
  }

  private static final Logger log = LoggerFactory.getLogger(TenantCommands.class);
  /** How much of the remembered heads' documents to keep, in KiB of JSON (about 16 MiB). */
  private static final long HEAD_CACHE_KIB = 16 * 1024;

  private final Vertx vertx;
  private final EventStore store;
  private final Clock clock;
  private final int attempts;
  private final CatalogueMetrics metrics;
  private final CommitListener listener;
  /**
   * The last head this process read or wrote per tenant, so that a write needs no read when it
   * is decided on the head it left behind. Bounded by the encoded size of the documents.
   */
  private final Cache<String, Head> heads =
      Caffeine.newBuilder()
          .maximumWeight(HEAD_CACHE_KIB)
          .weigher((String tenantId, Head head) -> 1 + (head.document() == null ? 0 : head.document().toBuffer().length() / 1024))
          .executor(Runnable::run)
          .build();

  public TenantCommands(
      Vertx vertx, EventStore store, Clock clock, int attempts, CatalogueMetrics metrics, CommitListener listener) {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be >= 1, but was " + attempts);
    }
    this.vertx = vertx;
    this.store = store;
    this.clock = clock;
    this.attempts = attempts;
    this.metrics = metrics;
    this.listener = listener;
  }

  /** The current head; 404 when the tenant never existed. A deleted tenant is returned as such. */
  public Future<Head> get(String tenantId) {
    return store
        .head(tenantId)
        .compose(head -> head != null ? Future.succeededFuture(head) : Future.failedFuture(notFound(tenantId)));
  }

  /** Creates or replaces the document; unchanged when it equals the live document. */
  public Future<WriteResult> put(String tenantId, TenantContext context, Preconditions pre, Actor actor) {
    try {
      requireHostLimit(context);
    } catch (ValidationException e) {
      return Future.failedFuture(e);
    }
    return write(
        tenantId,
        pre,
        actor,
        head -> {
          boolean live = head != null && head.live();
          if (live && head.document().equals(context.document())) {
            return Decision.UNCHANGED;
          }
          return new Decision(live ? EventType.UPDATED : EventType.CREATED, context.document());
        },
        1);
  }

  /** Applies a JSON merge patch to the live document; the result must be a valid document. */
  public Future<WriteResult> patch(String tenantId, JsonObject patch, Preconditions pre, Actor actor) {
    return write(
        tenantId,
        pre,
        actor,
        head -> {
          requireLive(tenantId, head);
          Object merged = MergePatch.apply(head.document(), patch);
          TenantContext context = TenantContext.of(tenantId, (JsonObject) merged);
          requireHostLimit(context);
          if (head.document().equals(context.document())) {
            return Decision.UNCHANGED;
          }
          return new Decision(EventType.UPDATED, context.document());
        },
        1);
  }

  /** Deletes a live tenant (an event too); its hosts are released. */
  public Future<WriteResult> delete(String tenantId, Preconditions pre, Actor actor) {
    return write(
        tenantId,
        pre,
        actor,
        head -> {
          requireLive(tenantId, head);
          return new Decision(EventType.DELETED, null);
        },
        1);
  }

  /**
   * Appends a new {@code restored} version carrying the document of {@code version}; works on a
   * deleted tenant too. Unchanged when the live document already equals it.
   */
  public Future<WriteResult> restore(String tenantId, long version, Preconditions pre, Actor actor) {
    return store
        .event(tenantId, version)
        .compose(
            old ->
                write(
                    tenantId,
                    pre,
                    actor,
                    head -> {
                      if (head == null) {
                        throw notFound(tenantId);
                      }
                      if (old == null) {
                        throw new ValidationException(
                            "version",
                            "version must name an existing version of tenant '"
                                + tenantId
                                + "' (1.."
                                + head.version()
                                + "), but was "
                                + version);
                      }
                      if (old.isDeletion()) {
                        throw new ValidationException(
                            "version", "version " + version + " is a deletion and carries no document to restore");
                      }
                      TenantContext context = TenantContext.of(tenantId, old.document());
                      if (head.live() && head.document().equals(context.document())) {
                        return Decision.UNCHANGED;
                      }
                      return new Decision(EventType.RESTORED, context.document());
                    },
                    1));
  }

  /** What a write decided: the event type and document to append, or nothing. */
  private record Decision(EventType type, JsonObject document) {
    static final Decision UNCHANGED = new Decision(null, null);

    boolean unchanged() {
      return type == null;
    }
  }

  private Future<WriteResult> write(
      String tenantId, Preconditions pre, Actor actor, Function<Head, Decision> decide, int attempt) {
    Head cached = attempt == 1 ? heads.getIfPresent(tenantId) : null;
    if (cached != null) {
      // Decide on the remembered head; the append's condition (head still at its version) is the
      // safety net. Only a decision to append is trusted: a failed precondition, an error or
      // "unchanged" is decided again on a fresh read, since the head may have moved elsewhere.
      Decision decision;
      try {
        pre.check(tenantId, cached);
        decision = decide.apply(cached);
      } catch (RuntimeException e) {
        decision = Decision.UNCHANGED;
      }
      if (!decision.unchanged()) {
        return decideAndAppend(tenantId, cached, pre, actor, decide, attempt, decision, true);
      }
    }
    return readAndWrite(tenantId, pre, actor, decide, attempt);
  }

  /** Reads the head (strongly consistent), remembers it, decides on it and appends. */
  private Future<WriteResult> readAndWrite(
      String tenantId, Preconditions pre, Actor actor, Function<Head, Decision> decide, int attempt) {
    return store
        .head(tenantId)
        .compose(
            head -> {
              remember(head);
              pre.check(tenantId, head);
              Decision decision = decide.apply(head);
              if (decision.unchanged()) {
                return Future.succeededFuture(new WriteResult(Change.UNCHANGED, head));
              }
              return decideAndAppend(tenantId, head, pre, actor, decide, attempt, decision, false);
            });
  }

  private Future<WriteResult> decideAndAppend(
      String tenantId,
      Head head,
      Preconditions pre,
      Actor actor,
      Function<Head, Decision> decide,
      int attempt,
      Decision decision,
      boolean remembered) {
    CatalogueEvent event =
        new CatalogueEvent(
            UUID.randomUUID().toString(),
            tenantId,
            head == null ? 1 : head.version() + 1,
            decision.type(),
            clock.instant(),
            decision.document(),
            actor.subject(),
            actor.requestId());
    return append(head, event)
        .recover(
            failure -> {
              if (failure instanceof VersionConflictException conflict) {
                heads.invalidate(tenantId);
                // A remembered head that moved elsewhere is not a lost race: read and decide again.
                return remembered
                    ? readAndWrite(tenantId, pre, actor, decide, attempt)
                    : retry(tenantId, pre, actor, decide, attempt, conflict);
              }
              if (failure instanceof HostConflictException taken) {
                return Future.failedFuture(hostTaken(event, taken));
              }
              return Future.failedFuture(failure);
            });
  }

  /** Keeps the newest head seen of a tenant (a slower answer never replaces a newer head). */
  private void remember(Head head) {
    if (head != null) {
      heads.asMap().merge(head.tenantId(), head, (old, now) -> now.version() >= old.version() ? now : old);
    }
  }

  private Future<WriteResult> append(Head before, CatalogueEvent event) {
    long started = System.nanoTime();
    return store
        .append(before, event)
        .andThen(
            done ->
                metrics.append(
                    done.succeeded()
                        ? CatalogueMetrics.Append.OK
                        : done.cause() instanceof VersionConflictException || done.cause() instanceof HostConflictException
                            ? CatalogueMetrics.Append.CONFLICT
                            : CatalogueMetrics.Append.ERROR,
                    System.nanoTime() - started))
        .map(
            v -> {
              Head after = headAfter(before, event);
              remember(after);
              listener.committed(event, before);
              return new WriteResult(changeOf(event.type()), after);
            });
  }

  private Future<WriteResult> retry(
      String tenantId,
      Preconditions pre,
      Actor actor,
      Function<Head, Decision> decide,
      int attempt,
      VersionConflictException conflict) {
    if (attempt >= attempts) {
      log.warn("write lost every attempt tenantId={} attempts={} requestId={}", tenantId, attempts, actor.requestId());
      return Future.failedFuture(
          HttpProblem.conflict(
              null,
              "tenant '" + tenantId + "' was changed concurrently " + attempts + " times; read it again and retry"));
    }
    // A little jitter so that writers that collided do not collide again at once.
    long delay = 1 + ThreadLocalRandom.current().nextLong(5L * attempt);
    Promise<Void> later = Promise.promise();
    vertx.setTimer(delay, id -> later.complete());
    return later.future().compose(v -> write(tenantId, pre, actor, decide, attempt + 1));
  }

  /**
   * The head an appended event leaves. Its document was validated when the write was decided
   * (every decision is made from a {@link TenantContext}), so only its hosts are read here.
   */
  private static Head headAfter(Head before, CatalogueEvent event) {
    return new Head(
        event.tenantId(),
        event.version(),
        event.isDeletion(),
        event.document(),
        event.isDeletion() ? List.of() : Hosts.fromJson("hosts", event.document().getValue("hosts")),
        event.occurredAt(),
        before == null ? 0 : before.publishedVersion());
  }

  private static Change changeOf(EventType type) {
    return switch (type) {
      case CREATED -> Change.CREATED;
      case UPDATED -> Change.UPDATED;
      case DELETED -> Change.DELETED;
      case RESTORED -> Change.RESTORED;
    };
  }

  private static HttpProblem hostTaken(CatalogueEvent event, HostConflictException taken) {
    Object declared = event.document() == null ? null : event.document().getValue("hosts");
    List<?> hosts = declared instanceof JsonArray array ? array.getList() : List.of();
    int index = hosts.indexOf(taken.host());
    return HttpProblem.conflict(index < 0 ? "hosts" : "hosts[" + index + "]", taken.getMessage());
  }

  private static void requireLive(String tenantId, Head head) {
    if (head == null) {
      throw notFound(tenantId);
    }
    if (head.deleted()) {
      throw HttpProblem.notFound(
          "tenant '" + tenantId + "' was deleted at version " + head.version() + "; restore it or PUT it again");
    }
  }

  private static void requireHostLimit(TenantContext context) {
    if (context.hosts().size() > DynamoEventStore.MAX_HOSTS) {
      throw new ValidationException(
          "hosts",
          "hosts must hold at most " + DynamoEventStore.MAX_HOSTS + " names, but held " + context.hosts().size());
    }
  }

  private static HttpProblem notFound(String tenantId) {
    return HttpProblem.notFound("tenant '" + tenantId + "' does not exist");
  }
}
