package dev.tcs.catalogue.outbox;

import dev.tcs.catalogue.CatalogueMetrics;
import dev.tcs.catalogue.store.EventStore;
import dev.tcs.catalogue.store.Head;
import dev.tcs.catalogue.store.PendingTenant;
import dev.tcs.core.log.EventLog;
import dev.tcs.core.model.CatalogueEvent;
import dev.tcs.core.retry.Backoff;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes every committed catalogue event to the event log, at least once and in version order
 * per tenant (the transactional outbox).
 *
 * <p>Consumes: commit notifications ({@link #nudge}) and the store's outbox index. Produces:
 * records on the events topic, key = tenant id, value = {@link CatalogueEvent#toBuffer()}.
 *
 * <p>A tenant's head carries {@code publishedVersion}; every commit puts the tenant in the outbox.
 * For one tenant at a time (single flight per tenant in this process) the relay appends events
 * {@code publishedVersion + 1 .. version} all at once (pipelined; the event log keeps a tenant's
 * order), waits for every ack, then advances {@code publishedVersion} once, to the last version of
 * the leading run that was acked. After a commit it is nudged with the event itself: when
 * everything before it was already published, the event goes out without reading the store.
 * Every {@code interval} (and as soon as the topic exists) it sweeps the outbox index and catches
 * up every tenant it finds, so events committed while Kafka was down, or by a process that died
 * before publishing, go out once Kafka is back or the catalogue restarts. A crash between append
 * and advance republishes: consumers see duplicates at worst, never a gap.
 *
 * <p>While the event log fails, nudges are ignored (the outbox keeps the work) and each sweep
 * tries one tenant; once that succeeds the sweep publishes the rest. The topic is created at
 * start (retained forever), retried in the background while Kafka is unreachable; nothing is
 * published before it exists. Writes never wait for any of this.
 *
 * <p>All state is confined to the context that called {@link #start}; nothing blocks.
 */
public final class OutboxRelay {
  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
  private static final int SWEEP_PAGE = 100;
  private static final int SWEEP_MAX = 10_000;
  private static final Backoff TOPIC_RETRY = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30));

  private final Vertx vertx;
  private final EventStore store;
  private final EventLog eventLog;
  private final String topic;
  private final int partitions;
  private final Duration interval;
  private final int concurrency;
  private final CatalogueMetrics metrics;
  private final Clock clock;
  private final Map<String, Flight> flights = new HashMap<>();
  private Context context;
  /** Since when every commit has been nudged into a publication (see {@link #sweep}). */
  private Instant nudgedSince = Instant.MAX;
  private long sweepTimer = -1;
  private long topicTimer = -1;
  private boolean topicReady;
  private boolean healthy = true;
  private boolean sweeping;
  private boolean stopped;

  /** One tenant being published; {@code again} asks for one more catch-up when it ends. */
  private static final class Flight {
    final Promise<Void> done = Promise.promise();
    boolean again;
  }

  /** An append to the event log failed (as opposed to a store read or write). */
  private static final class PublishException extends RuntimeException {
    PublishException(Throwable cause) {
      super(cause.toString(), cause, false, false);
    }
  }

  public OutboxRelay(
      Vertx vertx,
      EventStore store,
      EventLog eventLog,
      String topic,
      int partitions,
      Duration interval,
      int concurrency,
      CatalogueMetrics metrics,
      Clock clock) {
    this.vertx = vertx;
    this.store = store;
    this.eventLog = eventLog;
    this.topic = topic;
    this.partitions = partitions;
    this.interval = interval;
    this.concurrency = concurrency;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** Starts creating the topic (retrying in the background) and the periodic sweep. Never fails. */
  public Future<Void> start() {
    context = vertx.getOrCreateContext();
    ensureTopic(0);
    sweepTimer = vertx.setPeriodic(interval.toMillis(), id -> sweep());
    return Future.succeededFuture();
  }

  /** Stops sweeping and ignores further nudges; publications in flight finish on their own. */
  public Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(sweepTimer);
    vertx.cancelTimer(topicTimer);
    return Future.succeededFuture();
  }

  /** True once the topic exists and the last append to the event log succeeded. */
  public boolean publishing() {
    return topicReady && healthy;
  }

  /**
   * Publishes a just-committed event soon. Call on the relay's context, in commit order.
   *
   * @param event the committed event
   * @param before the head it was appended to (null for a tenant's first event)
   */
  public void nudge(CatalogueEvent event, Head before) {
    if (stopped || !topicReady || !healthy) {
      return;
    }
    Flight running = flights.get(event.tenantId());
    if (running != null) {
      running.again = true;
      return;
    }
    long publishedBefore = before == null ? 0 : before.publishedVersion();
    fly(event.tenantId(), publishedBefore == event.version() - 1 ? event : null);
  }

  // ---- one tenant ----

  private Future<Void> fly(String tenantId, CatalogueEvent hint) {
    Flight flight = new Flight();
    flights.put(tenantId, flight);
    run(tenantId, flight, hint);
    return flight.done.future();
  }

  private void run(String tenantId, Flight flight, CatalogueEvent hint) {
    Future<Void> work;
    try {
      work = hint != null ? publishCommitted(hint) : catchUp(tenantId);
    } catch (RuntimeException e) {
      work = Future.failedFuture(e);
    }
    onContext(work)
        .onComplete(
            result -> {
              if (result.failed()) {
                failed(tenantId, result.cause());
              }
              if (result.succeeded() && flight.again && !stopped) {
                flight.again = false;
                run(tenantId, flight, null);
                return;
              }
              flights.remove(tenantId);
              flight.done.complete();
            });
  }

  /** The hinted path: everything before {@code event} is published, so publish it and advance. */
  private Future<Void> publishCommitted(CatalogueEvent event) {
    return publish(event).compose(v -> store.markPublished(event.tenantId(), event.version()));
  }

  /** Publishes whatever the head says is unpublished, in order, in batches. */
  private Future<Void> catchUp(String tenantId) {
    return store
        .head(tenantId)
        .compose(
            head ->
                head == null || !head.unpublished()
                    ? Future.succeededFuture()
                    : publishRange(tenantId, head.publishedVersion() + 1, head.version()));
  }

  private Future<Void> publishRange(String tenantId, long from, long to) {
    return store
        .events(tenantId, from, to)
        .compose(
            events -> {
              for (int i = 0; i < events.size(); i++) {
                if (events.get(i).version() != from + i) {
                  return Future.failedFuture(gap(tenantId, from + i));
                }
              }
              if (events.isEmpty()) {
                return Future.failedFuture(gap(tenantId, from));
              }
              return publishInOrder(tenantId, events, from - 1)
                  .compose(
                      last -> {
                        long next = last + 1;
                        return next <= to ? publishRange(tenantId, next, to) : Future.succeededFuture();
                      });
            });
  }

  /**
   * Appends {@code events} one after the other; advances the published version to the last one
   * acked, also when a later one fails. Returns the last version published.
   */
  private Future<Long> publishInOrder(String tenantId, List<CatalogueEvent> events, long publishedBefore) {
    Promise<Long> result = Promise.promise();
    publishFrom(events, 0)
        .onComplete(
            published -> {
              int acked;
              if (published.succeeded()) {
                acked = events.size();
              } else {
                acked = published.cause() instanceof PartialPublish partial ? partial.acked : 0;
              }
              long lastAcked = publishedBefore + acked;
              Future<Void> advance =
                  lastAcked > publishedBefore ? store.markPublished(tenantId, lastAcked) : Future.succeededFuture();
              advance.onComplete(
                  advanced -> {
                    if (published.failed()) {
                      Throwable cause = published.cause();
                      result.fail(cause instanceof PartialPublish p ? p.getCause() : cause);
                    } else if (advanced.failed()) {
                      result.fail(advanced.cause());
                    } else {
                      result.complete(lastAcked);
                    }
                  });
            });
    return result.future();
  }

  /** How many events of a batch were acked before one failed. */
  private static final class PartialPublish extends RuntimeException {
    final int acked;

    PartialPublish(int acked, Throwable cause) {
      super(cause.toString(), cause, false, false);
      this.acked = acked;
    }
  }

  /**
   * Appends all {@code events} at once (pipelined: the event log keeps their order per tenant)
   * and waits for every acknowledgement. Fails with a {@link PartialPublish} carrying how many
   * leading events were acked when any append failed.
   */
  private Future<Void> publishFrom(List<CatalogueEvent> events, int index) {
    List<Future<Void>> appends = new ArrayList<>(events.size() - index);
    for (int i = index; i < events.size(); i++) {
      appends.add(publish(events.get(i)));
    }
    return Future.join(appends)
        .transform(
            all -> {
              for (int i = 0; i < appends.size(); i++) {
                if (appends.get(i).failed()) {
                  return Future.failedFuture(new PartialPublish(index + i, appends.get(i).cause()));
                }
              }
              return Future.succeededFuture();
            });
  }

  private Future<Void> publish(CatalogueEvent event) {
    Future<Void> appended;
    try {
      appended = eventLog.append(topic, event.tenantId(), event.toBuffer());
    } catch (RuntimeException e) {
      appended = Future.failedFuture(e);
    }
    return onContext(appended)
        .andThen(done -> {
          if (done.succeeded()) {
            metrics.published();
            if (!healthy) {
              healthy = true;
              nudgedSince = clock.instant();
              log.info("event log reachable again, publishing resumes topic={}", topic);
            }
          } else {
            metrics.publishFailed();
          }
        })
        .recover(e -> Future.failedFuture(new PublishException(e)));
  }

  private void failed(String tenantId, Throwable cause) {
    Throwable reason = cause instanceof PartialPublish p ? p.getCause() : cause;
    if (reason instanceof PublishException) {
      if (healthy) {
        healthy = false;
        log.warn(
            "event log append failed, publishing paused until it recovers topic={} tenantId={} reason={}",
            topic, tenantId, reason.getMessage());
      }
    } else {
      log.warn("outbox catch-up failed, will retry tenantId={} reason={}", tenantId, reason.toString());
    }
  }

  private static IllegalStateException gap(String tenantId, long version) {
    log.error("event store lacks an event below its head tenantId={} version={}", tenantId, version);
    return new IllegalStateException("event " + version + " of tenant " + tenantId + " is missing");
  }

  // ---- sweep ----

  private void ensureTopic(int attempt) {
    if (stopped) {
      return;
    }
    onContext(eventLog.ensureTopic(topic, partitions, true))
        .onSuccess(
            v -> {
              topicReady = true;
              nudgedSince = clock.instant();
              log.info("events topic ready topic={} partitions={}", topic, partitions);
              sweep();
            })
        .onFailure(
            e -> {
              long backoff = TOPIC_RETRY.delayMillis(attempt);
              log.warn("events topic not ready, retrying topic={} attempt={} backoffMs={} reason={}", topic, attempt + 1, backoff, e.toString());
              if (!stopped) {
                topicTimer = vertx.setTimer(backoff, id -> ensureTopic(attempt + 1));
              }
            });
  }

  /** Reads the outbox index, updates the backlog gauges, and catches up every tenant in it. */
  void sweep() {
    if (stopped || sweeping) {
      return;
    }
    sweeping = true;
    collectPending(null, new ArrayList<>())
        .compose(
            pending -> {
              Instant now = clock.instant();
              Instant oldest = pending.stream().map(PendingTenant::since).min(Instant::compareTo).orElse(now);
              metrics.backlog(pending.size(), Duration.between(oldest, now));
              if (!topicReady || pending.isEmpty()) {
                return Future.succeededFuture();
              }
              // A tenant that entered the outbox less than an interval ago, while nudges were
              // being acted on, is normally being published by its commit's nudge; the next sweep
              // takes it if it is still there. Anything older, or committed while this relay was
              // not publishing (not started, topic missing, event log failing), goes now.
              Instant settled = now.minus(interval);
              if (settled.isBefore(nudgedSince)) {
                settled = nudgedSince;
              }
              List<String> tenants = new ArrayList<>(pending.size());
              for (PendingTenant tenant : pending) {
                boolean fresh = publishing() && tenant.since().isAfter(settled);
                if (!fresh && !flights.containsKey(tenant.tenantId())) {
                  tenants.add(tenant.tenantId());
                }
              }
              return catchUpAll(tenants);
            })
        .onComplete(
            done -> {
              sweeping = false;
              if (done.failed()) {
                log.warn("outbox sweep failed, will retry reason={}", done.cause().toString());
              }
            });
  }

  private Future<List<PendingTenant>> collectPending(String cursor, List<PendingTenant> into) {
    return onContext(store.pending(cursor, SWEEP_PAGE))
        .compose(
            page -> {
              into.addAll(page.items());
              return page.next() == null || into.size() >= SWEEP_MAX
                  ? Future.succeededFuture(into)
                  : collectPending(page.next(), into);
            });
  }

  /** While the log is failing, one tenant probes it first; the rest follow only if it worked. */
  private Future<Void> catchUpAll(List<String> tenants) {
    Iterator<String> queue = tenants.iterator();
    Future<Void> probe = healthy || !queue.hasNext() ? Future.succeededFuture() : fly(queue.next(), null);
    return probe.compose(
        v -> {
          if (!healthy) {
            return Future.succeededFuture();
          }
          List<Future<Void>> workers = new ArrayList<>(concurrency);
          for (int i = 0; i < concurrency; i++) {
            workers.add(drain(queue));
          }
          return Future.join(workers).mapEmpty();
        });
  }

  private Future<Void> drain(Iterator<String> queue) {
    while (queue.hasNext() && healthy && !stopped) {
      String tenantId = queue.next();
      if (!flights.containsKey(tenantId)) {
        return fly(tenantId, null).compose(v -> drain(queue));
      }
    }
    return Future.succeededFuture();
  }

  /** Moves the completion of {@code future} onto the relay's context. */
  private <T> Future<T> onContext(Future<T> future) {
    Promise<T> promise = Promise.promise();
    future.onComplete(
        result -> {
          if (Vertx.currentContext() == context) {
            promise.handle(result);
          } else {
            context.runOnContext(v -> promise.handle(result));
          }
        });
    return promise.future();
  }
}
