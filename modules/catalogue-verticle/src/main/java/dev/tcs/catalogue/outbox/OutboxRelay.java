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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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
 * One flight per tenant in this process publishes it. After a commit the relay is nudged with the
 * event itself: when everything before it is known to be on the log (the head said so, or this
 * relay saw it acked), the event is queued in memory and goes out without reading the store;
 * events committed while the flight runs join the queue and go out together (the first alone,
 * the rest pipelined once it is acked; the event log keeps a tenant's order). Nudges are acted on
 * {@code publish-linger} after the first of a window (at once when it is zero), all of that
 * window's together, so that the event log gets one hand-off and one produce request for them
 * rather than one per commit (a single writer's commits otherwise each wake the producer and the
 * broker while the next write runs). Once acked, {@code publishedVersion} is recorded once for all
 * of them, {@code mark-delay} after the first ack, so a tenant written repeatedly costs one store
 * update per delay rather than one per event. Publication itself never waits for that delay.
 * When the relay cannot tell what is published, it catches up from the store: it reads the head
 * and appends events {@code publishedVersion + 1 .. version} in batches, advancing
 * {@code publishedVersion} after each. Every {@code interval} (and as soon as the topic exists)
 * it sweeps the outbox index and catches up every tenant it finds, so events committed while
 * Kafka was down, or by a process that died before publishing, go out once Kafka is back or the
 * catalogue restarts. A crash between append and mark republishes: consumers see duplicates at
 * worst, never a gap.
 *
 * <p>A flight ends at its first failure, whatever it still had queued or was nudged to do: the
 * outbox keeps that work, and the next flight of the tenant starts from what is known to be on the
 * log. So a tenant is never published by two flights at once, and no version goes out ahead of
 * one that failed. While the event log fails, nudges are not acted on (the outbox keeps the work;
 * the relay remembers which tenants they were for) and each sweep tries one tenant; once that
 * succeeds, the remembered tenants are caught up at once, the sweep publishes the rest, and a
 * second sweep follows at once for anything committed while the first probed. The topic is
 * created at start (retained forever), retried in the background while Kafka is unreachable;
 * nothing is published before it exists. Writes never wait for any of this.
 *
 * <p>All state is confined to the context that called {@link #start}; nothing blocks.
 */
public final class OutboxRelay {
  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
  private static final int SWEEP_PAGE = 100;
  private static final int SWEEP_MAX = 10_000;
  private static final int ACKED_REMEMBERED = 100_000;
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
  private final Duration markDelay;
  private final long publishLingerMillis;
  private final Map<String, Flight> flights = new HashMap<>();
  /** Flights nudged since the last publication tick, in nudge order. */
  private final Map<String, Flight> due = new LinkedHashMap<>();
  private long tickTimer = -1;
  /** Per tenant, the highest version this relay saw acked by the event log (bounded, oldest dropped). */
  private final Map<String, Long> acked =
      new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
          return size() > ACKED_REMEMBERED;
        }
      };
  private Context context;
  /** Since when every commit has been nudged into a publication (see {@link #sweep}). */
  private Instant nudgedSince = Instant.MAX;
  private long sweepTimer = -1;
  private long topicTimer = -1;
  private boolean topicReady;
  private boolean healthy = true;
  private boolean sweeping;
  /** The event log recovered: sweep once more at once (see {@link #publish}). */
  private boolean sweepAgain;
  /**
   * Tenants whose publication failed, or who were committed while the event log failed (their
   * nudges were not acted on): caught up as soon as it recovers; at most {@link #SWEEP_MAX}, the
   * sweep takes any beyond.
   */
  private final Set<String> missed = new LinkedHashSet<>();
  private boolean stopped;

  /**
   * One tenant being published, by one chain of steps at a time: events this process committed
   * wait in {@code queued} (in version order, contiguous after what was published); a nudge that
   * cannot be queued asks for a {@code catchUp} from the store instead. {@code published} is the
   * highest version acked in this flight and {@code marked} the highest recorded in the store;
   * the mark waits until {@code markDue} so that versions acked meanwhile share it.
   */
  private static final class Flight {
    final Promise<Void> done = Promise.promise();
    final ArrayDeque<CatalogueEvent> queued = new ArrayDeque<>();
    boolean catchUp;
    /** The version the next queued event must have, or 0 when unknown (a catch-up is due). */
    long next;
    long published;
    long marked;
    long markDue;
    long lingerTimer = -1;
    boolean stepping;
    /** Set when the flight ends (done or failed): it has left {@code flights} and takes no more steps. */
    boolean over;
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
      Duration markDelay,
      Duration publishLinger,
      CatalogueMetrics metrics,
      Clock clock) {
    this.vertx = vertx;
    this.store = store;
    this.eventLog = eventLog;
    this.topic = topic;
    this.partitions = partitions;
    this.interval = interval;
    this.concurrency = concurrency;
    this.markDelay = markDelay;
    this.publishLingerMillis = publishLinger.toMillis();
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
    // Nudged flights end now (publishing nothing more); their events stay in the outbox.
    vertx.cancelTimer(tickTimer);
    tick();
    // Flights waiting to record publishedVersion record it now.
    for (Map.Entry<String, Flight> flight : List.copyOf(flights.entrySet())) {
      wake(flight.getKey(), flight.getValue());
    }
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
    if (stopped || !topicReady) {
      return;
    }
    String tenantId = event.tenantId();
    if (!healthy) {
      remember(tenantId);
      return;
    }
    Flight running = flights.get(tenantId);
    if (running != null) {
      enqueue(running, event);
      soon(tenantId, running);
      return;
    }
    long known = Math.max(before == null ? 0 : before.publishedVersion(), acked.getOrDefault(tenantId, 0L));
    Flight flight = new Flight();
    if (known == event.version() - 1) {
      flight.next = event.version();
      enqueue(flight, event);
    } else {
      flight.catchUp = true;
    }
    flights.put(tenantId, flight);
    soon(tenantId, flight);
  }

  /**
   * Has {@code flight} act on its nudges at the next publication tick, together with every flight
   * nudged before it (at once when {@code publish-linger} is zero).
   */
  private void soon(String tenantId, Flight flight) {
    if (publishLingerMillis <= 0) {
      wakeOrStep(tenantId, flight);
      return;
    }
    due.put(tenantId, flight);
    if (tickTimer < 0) {
      tickTimer = vertx.setTimer(publishLingerMillis, id -> tick());
    }
  }

  /** The publication tick: every flight nudged since the last one takes its next step. */
  void tick() {
    tickTimer = -1;
    List<Map.Entry<String, Flight>> nudged = List.copyOf(due.entrySet());
    due.clear();
    for (Map.Entry<String, Flight> entry : nudged) {
      // A flight that ended since it was nudged (done, or failed) takes no step; see step.
      wakeOrStep(entry.getKey(), entry.getValue());
    }
  }

  /** Steps a flight now: at once if it only waits for its mark, else unless it is mid-step. */
  private void wakeOrStep(String tenantId, Flight flight) {
    if (flight.lingerTimer >= 0) {
      wake(tenantId, flight);
    } else {
      step(tenantId, flight);
    }
  }

  // ---- one tenant ----

  /** Starts a flight that catches {@code tenantId} up from the store. */
  private Future<Void> fly(String tenantId) {
    Flight flight = new Flight();
    flight.catchUp = true;
    flights.put(tenantId, flight);
    step(tenantId, flight);
    return flight.done.future();
  }

  private static void enqueue(Flight flight, CatalogueEvent event) {
    if (!flight.catchUp && flight.next == event.version()) {
      flight.queued.add(event);
      flight.next = event.version() + 1;
    } else {
      flight.catchUp = true;
      flight.next = 0;
    }
  }

  /** Runs the next step at once if the flight is only waiting for its mark. */
  private void wake(String tenantId, Flight flight) {
    if (flight.lingerTimer >= 0) {
      vertx.cancelTimer(flight.lingerTimer);
      flight.lingerTimer = -1;
      step(tenantId, flight);
    }
  }

  /**
   * The flight's next step, in this order: publish what is queued; catch up from the store if
   * asked; record the published version once it is due; end.
   */
  private void step(String tenantId, Flight flight) {
    if (flight.over || flight.stepping || flight.lingerTimer >= 0) {
      return;
    }
    Future<Void> work;
    try {
      if (!flight.queued.isEmpty() && !stopped) {
        List<CatalogueEvent> batch = new ArrayList<>(flight.queued);
        flight.queued.clear();
        work = publishQueued(tenantId, flight, batch);
      } else if (flight.catchUp && !stopped) {
        flight.catchUp = false;
        flight.queued.clear();
        work = catchUp(tenantId, flight);
      } else if (flight.published > flight.marked) {
        long wait = stopped ? 0 : flight.markDue - System.nanoTime();
        if (wait > 0) {
          flight.lingerTimer =
              vertx.setTimer(
                  Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)),
                  id -> {
                    flight.lingerTimer = -1;
                    step(tenantId, flight);
                  });
          return;
        }
        long version = flight.published;
        work = store.markPublished(tenantId, version).onSuccess(v -> flight.marked = version);
      } else {
        end(tenantId, flight);
        flight.done.complete();
        return;
      }
    } catch (RuntimeException e) {
      work = Future.failedFuture(e);
    }
    flight.stepping = true;
    onContext(work)
        .onComplete(
            result -> {
              flight.stepping = false;
              if (result.succeeded()) {
                step(tenantId, flight);
                return;
              }
              failed(tenantId, result.cause());
              // The flight ends now, before recording what was acked: a tick asked for earlier
              // must not publish its queue while that record is in flight, or those versions would
              // reach the log ahead of the failed one, which the sweep (or the next nudge)
              // republishes from the outbox.
              end(tenantId, flight);
              Future<Void> markAcked =
                  flight.published > flight.marked ? store.markPublished(tenantId, flight.published) : Future.succeededFuture();
              onContext(markAcked).onComplete(marked -> flight.done.complete());
            });
  }

  /** The flight takes no more steps; the tenant's next nudge or sweep starts a new one. */
  private void end(String tenantId, Flight flight) {
    flight.over = true;
    flights.remove(tenantId, flight);
  }

  /** Publishes events this process committed ({@link #publishAll}); everything before them is on the log. */
  private Future<Void> publishQueued(String tenantId, Flight flight, List<CatalogueEvent> batch) {
    return publishAll(batch)
        .transform(
            done -> {
              int ackedCount =
                  done.succeeded() ? batch.size() : done.cause() instanceof PartialPublish partial ? partial.acked : 0;
              if (ackedCount > 0) {
                acknowledged(tenantId, flight, batch.get(ackedCount - 1).version());
              }
              if (done.failed()) {
                Throwable cause = done.cause();
                return Future.failedFuture(cause instanceof PartialPublish p ? p.getCause() : cause);
              }
              return Future.succeededFuture();
            });
  }

  /** Records that {@code version} is on the log; the first unmarked ack starts the mark's delay. */
  private void acknowledged(String tenantId, Flight flight, long version) {
    if (flight.published <= flight.marked) {
      flight.markDue = System.nanoTime() + markDelay.toNanos();
    }
    flight.published = Math.max(flight.published, version);
    acked.merge(tenantId, version, Math::max);
  }

  /** Publishes whatever the head says is unpublished, in order, in batches. */
  private Future<Void> catchUp(String tenantId, Flight flight) {
    return store
        .head(tenantId)
        .compose(
            head -> {
              if (head == null) {
                return Future.succeededFuture();
              }
              // Every version up to the head is published or about to be: later nudges queue.
              flight.next = flight.catchUp ? 0 : head.version() + 1;
              if (!head.unpublished()) {
                acked.merge(tenantId, head.publishedVersion(), Math::max);
                return Future.succeededFuture();
              }
              // What this relay saw acked may not be recorded yet (the mark waits): not again.
              long known = Math.max(head.publishedVersion(), Math.max(flight.published, acked.getOrDefault(tenantId, 0L)));
              return known >= head.version() ? Future.succeededFuture() : publishRange(tenantId, flight, known + 1, head.version());
            });
  }

  private Future<Void> publishRange(String tenantId, Flight flight, long from, long to) {
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
              return publishInOrder(tenantId, flight, events, from - 1)
                  .compose(
                      last -> {
                        long next = last + 1;
                        return next <= to ? publishRange(tenantId, flight, next, to) : Future.succeededFuture();
                      });
            });
  }

  /**
   * Appends {@code events} one after the other; advances the published version to the last one
   * acked, also when a later one fails. Returns the last version published.
   */
  private Future<Long> publishInOrder(String tenantId, Flight flight, List<CatalogueEvent> events, long publishedBefore) {
    Promise<Long> result = Promise.promise();
    publishAll(events)
        .onComplete(
            published -> {
              int acked;
              if (published.succeeded()) {
                acked = events.size();
              } else {
                acked = published.cause() instanceof PartialPublish partial ? partial.acked : 0;
              }
              long lastAcked = publishedBefore + acked;
              if (lastAcked > publishedBefore) {
                this.acked.merge(tenantId, lastAcked, Math::max);
              }
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
                      flight.published = Math.max(flight.published, lastAcked);
                      flight.marked = Math.max(flight.marked, lastAcked);
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
   * Appends {@code events} (one tenant's, in version order): the first alone, then, once it is
   * acked, all the others at once (pipelined: the event log keeps their order per tenant). Handed
   * over together, a later event could land without an earlier one: while Kafka is away the
   * producer can fail a record before taking it (its send waited {@code max.block.ms} for the
   * topic's metadata) and then take the next one, the broker being back by then. An ack shows the
   * log reachable just before the rest goes. Fails with a {@link PartialPublish} carrying how
   * many leading events were acked when any append failed.
   */
  private Future<Void> publishAll(List<CatalogueEvent> events) {
    return publish(events.get(0))
        .transform(
            first -> {
              if (first.failed()) {
                return Future.failedFuture(new PartialPublish(0, first.cause()));
              }
              return events.size() == 1 ? Future.succeededFuture() : publishFrom(events, 1);
            });
  }

  /** Appends {@code events} from {@code index} on at once and waits for every acknowledgement. */
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
              // Commits made while the log failed were not nudged, and the sweep that probed
              // listed its tenants before they came: catch those tenants up now, and sweep again
              // now rather than an interval later (for any beyond what was remembered).
              catchUpMissed(); // now: the flight that was acked catches up before it records its mark
              sweepAgain = true;
              context.runOnContext(v -> sweep());
            }
          } else {
            metrics.publishFailed();
          }
        })
        .recover(e -> Future.failedFuture(new PublishException(e)));
  }

  /**
   * Catches up every tenant committed while the log failed: a tenant whose flight still runs (its
   * earlier events were in the producer when the log failed) catches up from the store once the
   * flight has published what it holds, before it records its mark; the others fly now. Without
   * this they waited for a sweep, which on recovery first drains the list it made while probing.
   */
  private void catchUpMissed() {
    if (!healthy || stopped) {
      return;
    }
    List<String> idle = new ArrayList<>();
    for (String tenantId : missed) {
      Flight running = flights.get(tenantId);
      if (running == null) {
        idle.add(tenantId);
      } else {
        // Its next step catches up; one waiting only for its mark takes that step now. (Not
        // step(): this may run inside the flight's own step, before it counts as stepping.)
        running.catchUp = true;
        wake(tenantId, running);
      }
    }
    missed.clear();
    catchUpAll(idle);
  }

  /** {@code tenantId} has events the log did not take: caught up as soon as the log recovers. */
  private void remember(String tenantId) {
    if (missed.size() < SWEEP_MAX) {
      missed.add(tenantId);
    }
  }

  private void failed(String tenantId, Throwable cause) {
    Throwable reason = cause instanceof PartialPublish p ? p.getCause() : cause;
    if (reason instanceof PublishException) {
      remember(tenantId);
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
    sweepAgain = false;
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
              if (sweepAgain) {
                sweep();
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
    Future<Void> probe = healthy || !queue.hasNext() ? Future.succeededFuture() : fly(queue.next());
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
        return fly(tenantId).compose(v -> drain(queue));
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
