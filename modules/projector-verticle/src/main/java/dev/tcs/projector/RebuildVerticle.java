package dev.tcs.projector;

import dev.tcs.core.log.Append;
import dev.tcs.core.log.BatchHandler;
import dev.tcs.core.log.EventLog;
import dev.tcs.core.log.LogRecord;
import dev.tcs.core.model.View;
import dev.tcs.core.model.ViewDefinitions;
import dev.tcs.core.security.ViewTags;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One rebuild: replays the events topic from its very start ({@link EventReplay}: a plain
 * consumer on a thread of its own, no group) through the same projection as the live projector,
 * with the current definitions revision, and <em>stages</em> its output: the newest view per
 * {@code (tenant, consumer)}, in memory. While it reads, the reader only peeks at each record's
 * tenant and version and keeps each tenant's newest record; once caught up the rebuild decodes and
 * projects those (on the worker pool), so a tenant with many versions costs one decode, not one
 * per version. A tenant whose newest record is invalid gets its newest valid one from a second,
 * narrow pass over the topic. Meanwhile, from the start, it reads what the views topic holds now
 * ({@link LiveViews}). Once every partition has been handled up to where it ended when the
 * rebuild began (events appended later are left to the live projector), it compares staged with
 * live per consumer ({@link ConsumerChange}) and runs its checks:
 *
 * <ul>
 *   <li>{@code view-count-drop}: a consumer would lose more than {@code maxDropFraction} of its live views;
 *   <li>{@code consumer-empty}: a consumer would end with no views although the topic has events;
 *   <li>{@code rejected}: more than {@code maxRejected} records were rejected as invalid.
 * </ul>
 *
 * A failed check fails {@link #done()} with a {@link RebuildValidationException} naming the check
 * and its figures and publishes nothing; a dry run publishes nothing either. Otherwise every
 * staged view is appended to the views topic at once (the producer keeps order per tenant).
 * Undeploying it stops the reader (and fails {@link #done()} if it had not finished).
 *
 * <p>Memory: one staged view per {@code (tenant, consumer)} and one summary per live view; while
 * reading, one record per tenant (events) and per {@code (tenant, consumer)} (live views).
 * Never blocks its event loop; reading end positions, events and live views runs on other threads.
 */
final class RebuildVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(RebuildVerticle.class);
  private static final long PROGRESS_MS = 1_000;
  private static final int PUBLISH_WINDOW = 20_000;
  /** Pending records decoded per worker task once caught up. */
  private static final int DECODE_CHUNK = 500;
  /** Views tagged per worker task when publishing. */
  private static final int TAG_CHUNK = 1_000;
  /**
   * Threads tagging ahead ({@link #tagAhead}) while the event loop compares: one core fewer than
   * the machine has, so the comparison (on the critical path) is not crowded out by twenty worker
   * threads.
   */
  private static final int AHEAD_THREADS = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
  /**
   * After publishing a new revision: how long the rebuild keeps projecting events appended
   * meanwhile (with the new revision), so those the live projector handled before it switched
   * to the new definitions are republished in the new shape.
   */
  static final long HANDOVER_MS = 3_000;

  private final ProjectorConfig config;
  private final ViewDefinitions definitions;
  /** The event log, signing what is appended to the views topic. */
  private final EventLog eventLog;
  /** The same log without signing: for views tagged here already. */
  private final EventLog unsignedLog;
  private final EndPositions endPositions;
  private final LiveViewsSource liveViews;
  private final RebuildOptions options;
  private final ProjectorMetrics metrics;
  private final EventProjector projector;
  private final Promise<RebuildResult> done = Promise.promise();
  /** The staged output: newest view per (tenant, consumer). Touched on this verticle's context only. */
  private final Map<EventProjector.ViewId, View> staged = new HashMap<>();
  /**
   * Content hashes ({@link LiveViews#contentHash}) of staged views, computed on a worker along
   * with the projection; a view staged without one (or since replaced) is hashed when compared.
   */
  private final Map<EventProjector.ViewId, Hashed> stagedHashes = new HashMap<>();
  /** Tenant to the highest version staged for it. */
  private final Map<String, Long> stagedVersions = new HashMap<>();
  /**
   * Once caught up, until decoded: each tenant's newest record before the ends, as the reader
   * kept it (by {@link EventPeek}), not decoded yet; so each tenant's event is decoded once, not
   * once per version.
   */
  private List<EventReplay.Newest> pending;
  /** Partition to where it ended when the rebuild began. */
  private Map<Integer, Long> ends = Map.of();
  private Future<LiveViews.Snapshot> live;
  private final EventReplay replay;
  private volatile EventReplay.Reading reading;
  private long total;
  private long startedNanos;
  private long progressTimer = -1;
  /** Milliseconds since the start at which each step ended, for the finish log line. */
  private final Map<String, Long> stepsMs = new java.util.LinkedHashMap<>();
  private boolean caughtUp;
  /** Views staged since the staged snapshot was taken for publishing; null before that. */
  private Map<EventProjector.ViewId, View> tail;
  /** The staged snapshot to publish, taken once decoded ({@link #tagAhead}); null before that. */
  private List<View> publishing;
  /** The first window of {@link #publishing}, being tagged on the worker pool, a chunk a future. */
  private List<AheadChunk> taggedAhead = List.of();
  private WorkerExecutor aheadTagger;

  /** Where the live views come from (the views topic, in production). */
  @FunctionalInterface
  interface LiveViewsSource {
    Future<LiveViews.Snapshot> read();
  }

  RebuildVerticle(
      ProjectorConfig config,
      ViewDefinitions definitions,
      EventLog eventLog,
      EndPositions endPositions,
      EventReplay replay,
      LiveViewsSource liveViews,
      RebuildOptions options,
      ProjectorMetrics metrics) {
    this.config = config;
    this.definitions = definitions;
    this.eventLog = ViewTags.signing(eventLog, config.viewsTopic(), config.viewKey());
    this.unsignedLog = eventLog;
    this.endPositions = endPositions;
    this.replay = replay;
    this.liveViews = liveViews;
    this.options = options;
    this.metrics = metrics;
    this.projector = new EventProjector(definitions, this::stage, metrics, Clock.systemUTC());
  }

  /** Completes when the rebuild has published (or, in a dry run, compared) its output. */
  Future<RebuildResult> done() {
    return done.future();
  }

  @Override
  public Future<?> start() {
    startedNanos = System.nanoTime();
    return ProjectorTopics.ensure(eventLog, config)
        .compose(created -> endPositions.of(config.eventsTopic()))
        .compose(this::replayUpTo);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(progressTimer);
    done.tryFail("rebuild stopped before it reached the end of " + config.eventsTopic());
    EventReplay.Reading running = reading;
    Future<Void> closeTagger = aheadTagger == null ? Future.succeededFuture() : aheadTagger.close();
    return Future.join(closeTagger, running == null ? Future.succeededFuture() : running.close());
  }

  private Future<Void> replayUpTo(Map<Integer, Long> ends) {
    step("endPositions");
    this.ends = Map.copyOf(ends);
    ends.values().forEach(end -> total += Math.max(0, end));
    metrics.rebuildTotal(total);
    log.info(
        "rebuild started eventsTopic={} viewsTopic={} revision={} records={} dryRun={}",
        config.eventsTopic(), config.viewsTopic(), definitions.revision(), total, options.dryRun());
    live = liveViews.read().onSuccess(read -> step("liveViewsRead"));
    progressTimer = vertx.setPeriodic(PROGRESS_MS, id -> {
      RebuildProgress progress = progress();
      metrics.rebuildDone(progress.done());
      options.progress().handle(progress);
    });
    if (total == 0) {
      caughtUp();
      return Future.succeededFuture();
    }
    return replay
        .start(config.eventsTopic(), ends, new ReplayListener())
        .onSuccess(started -> {
          reading = started;
          step("subscribed");
        })
        .mapEmpty();
  }

  /** What the reader hands over, on this verticle's context. */
  private final class ReplayListener implements EventReplay.Listener {
    @Override
    public Future<Void> unpeekable(List<LogRecord> records) {
      return projector.handle(records);
    }

    @Override
    public void caughtUp(List<EventReplay.Newest> newest) {
      pending = newest;
      RebuildVerticle.this.caughtUp();
    }

    @Override
    public Future<Void> appended(List<LogRecord> records) {
      if (done.future().isComplete()) {
        return Future.succeededFuture(); // records appended after the hand-over belong to the live projector
      }
      return projector.handle(newestPerTenant(records));
    }

    @Override
    public void failed(Throwable cause) {
      done.tryFail(cause);
    }
  }

  /** A staged view with its content hash. */
  private record Hashed(View view, int hash) {}

  /**
   * Decodes and projects the pending newest record of every tenant, in chunks of {@link
   * #DECODE_CHUNK} on Vert.x's worker pool, several at once (the projection is pure; its views
   * are staged back on this verticle's context). A tenant whose newest record is rejected still
   * needs its newest valid one: those are looked for in a second, narrow pass over the topic
   * ({@link #recover}).
   */
  private Future<Void> projectPending() {
    List<EventReplay.Newest> all = pending;
    pending = null;
    if (all == null || all.isEmpty()) {
      return Future.succeededFuture();
    }
    Map<String, LogRecord> rejectedNewest = new HashMap<>();
    List<Future<Void>> chunks = new ArrayList<>();
    for (int from = 0; from < all.size(); from += DECODE_CHUNK) {
      List<EventReplay.Newest> chunk = all.subList(from, Math.min(all.size(), from + DECODE_CHUNK));
      List<LogRecord> records = new ArrayList<>(chunk.size());
      chunk.forEach(p -> records.add(p.record()));
      chunks.add(
          vertx.executeBlocking(() -> projectHashed(records), false).map(hashed -> {
            EventProjector.Projected projected = hashed.projected();
            stage(projected.newest().values());
            hashed.hashes().forEach((id, h) -> {
              if (staged.get(id) == h.view()) {
                stagedHashes.put(id, h);
              }
            });
            projector.countProjected(projected);
            for (EventReplay.Newest p : chunk) {
              Long staged = stagedVersions.get(p.tenantId());
              if (staged == null || staged < p.version()) {
                rejectedNewest.put(p.tenantId(), p.record());
              }
            }
            return null;
          }));
    }
    return Future.all(chunks).compose(v -> rejectedNewest.isEmpty() ? Future.succeededFuture() : recover(rejectedNewest));
  }

  /** What a worker projected, with the content hash of each view. */
  private record ProjectedHashed(EventProjector.Projected projected, Map<EventProjector.ViewId, Hashed> hashes) {}

  private ProjectedHashed projectHashed(List<LogRecord> records) {
    EventProjector.Projected projected = projector.project(records);
    Map<EventProjector.ViewId, Hashed> hashes = new HashMap<>();
    projected.newest().forEach((id, view) -> hashes.put(id, new Hashed(view, LiveViews.contentHash(view))));
    return new ProjectedHashed(projected, hashes);
  }

  /**
   * The second pass for tenants whose newest record was rejected: replays the topic (under
   * another fresh group) up to where it ended when the rebuild began, and projects every other
   * record of those tenants, so each gets the view of its newest valid event, as the live
   * projector gives it. Rare (it takes a bad record that is a tenant's newest), so it decodes
   * every record of those tenants and nothing of the others.
   */
  private Future<Void> recover(Map<String, LogRecord> rejectedNewest) {
    log.warn("rebuild re-reading records of tenants whose newest record was rejected eventsTopic={} tenants={}", config.eventsTopic(), rejectedNewest.size());
    Map<Integer, Long> left = new HashMap<>(ends);
    left.values().removeIf(end -> end <= 0);
    if (left.isEmpty()) {
      return Future.succeededFuture();
    }
    Promise<Void> recovered = Promise.promise();
    BatchHandler handler =
        batch -> {
          if (recovered.future().isComplete()) {
            return Future.succeededFuture();
          }
          List<LogRecord> older = new ArrayList<>();
          for (LogRecord record : batch) {
            Long end = left.get(record.partition());
            if (end == null || record.offset() >= end) {
              continue;
            }
            EventPeek.Peeked peeked = EventPeek.peek(record.value());
            LogRecord newest = peeked == null ? null : rejectedNewest.get(peeked.tenantId());
            if (newest != null && !(newest.partition() == record.partition() && newest.offset() == record.offset())) {
              older.add(record);
            }
          }
          return projector.handle(older).onSuccess(ok -> {
            LogRecord last = batch.get(batch.size() - 1);
            Long end = left.get(last.partition());
            if (end != null && last.offset() >= end - 1) {
              left.remove(last.partition());
              if (left.isEmpty()) {
                recovered.tryComplete();
              }
            }
          });
        };
    return eventLog
        .replayInBatches(config.eventsTopic(), config.group() + "-rebuild-recover", handler)
        .compose(second -> recovered.future().eventually(() -> second.close()));
  }

  /**
   * After catching up (records appended meanwhile), the records of {@code batch} worth
   * projecting: per tenant only the one with the highest version (read with {@link EventPeek},
   * without decoding the document), and only if it is newer than what is staged for that tenant. Records that do not even start like an event are kept,
   * so they are decoded, rejected and counted. A superseded record is never decoded, so a bad
   * record followed by a newer one of the same tenant is not counted as rejected.
   */
  private List<LogRecord> newestPerTenant(List<LogRecord> batch) {
    Map<String, LogRecord> newest = new HashMap<>();
    Map<String, Long> versions = new HashMap<>();
    List<LogRecord> picked = new ArrayList<>();
    for (LogRecord record : batch) {
      EventPeek.Peeked peeked = EventPeek.peek(record.value());
      if (peeked == null) {
        picked.add(record);
        continue;
      }
      Long seen = versions.get(peeked.tenantId());
      if (seen == null || peeked.version() >= seen) {
        versions.put(peeked.tenantId(), peeked.version());
        newest.put(peeked.tenantId(), record);
      }
    }
    newest.forEach(
        (tenantId, record) -> {
          Long staged = stagedVersions.get(tenantId);
          if (staged == null || versions.get(tenantId) > staged) {
            picked.add(record);
          }
        });
    return picked;
  }

  /** The staging output of the projection: keeps the newest view per (tenant, consumer). */
  private Future<Void> stage(Collection<View> views) {
    for (View view : views) {
      EventProjector.ViewId id = new EventProjector.ViewId(view.tenantId(), view.consumer());
      staged.merge(id, view, EventProjector::newer);
      stagedVersions.merge(view.tenantId(), view.version(), Math::max);
      if (tail != null) {
        tail.merge(id, view, EventProjector::newer);
      }
    }
    return Future.succeededFuture();
  }

  private RebuildProgress progress() {
    return new RebuildProgress(
        caughtUp ? total : reading == null ? 0 : Math.min(total, reading.done()), total, projector.rejected(), stagedViews(), elapsed(), caughtUp);
  }

  /** Views staged, counting a tenant whose newest record is not decoded yet once per consumer. */
  private long stagedViews() {
    long waiting = caughtUp ? (pending == null ? 0 : pending.size()) : reading == null ? 0 : reading.tenants();
    return staged.size() + waiting * definitions.consumers().size();
  }

  private void step(String name) {
    stepsMs.put(name, elapsed().toMillis());
  }

  private Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }

  /** Every record present at the start is staged: stop replaying, compare, check, publish. */
  private void caughtUp() {
    if (caughtUp) {
      return;
    }
    caughtUp = true;
    vertx.cancelTimer(progressTimer);
    metrics.rebuildDone(total);
    options.progress().handle(progress());
    long caughtUpMs = elapsed().toMillis();
    step("caughtUp");
    projectPending()
        .compose(projected -> {
          step("decoded");
          if (!options.dryRun()) {
            tagAhead();
          }
          return live;
        })
        .onSuccess(l -> log.info(
            "rebuild caught up eventsTopic={} caughtUpMs={} liveViewsReadyMs={} liveViews={} liveViewRecords={} liveViewsDecoded={} liveViewsSkipped={}",
            config.eventsTopic(), caughtUpMs, elapsed().toMillis(), l.views().size(), l.records(), l.decoded(), l.skipped()))
        .compose(this::checkAndPublish)
        .onComplete(
            result -> {
              EventReplay.Reading running = reading;
              reading = null;
              if (running != null) {
                running.close(); // in the background: nothing committed, nothing to wait for
              }
              if (result.succeeded()) {
                done.tryComplete(result.result());
              } else {
                done.tryFail(result.cause());
              }
            });
  }

  private Future<RebuildResult> checkAndPublish(LiveViews.Snapshot snapshot) {
    Map<EventProjector.ViewId, LiveViews.Summary> liveViews = snapshot.views();
    step("liveViews");
    List<ConsumerChange> changes = compare(liveViews);
    String failed = check(changes);
    step("checked");
    if (failed != null) {
      metrics.rebuildFailedCheck();
      log.warn("rebuild validation failed, nothing published eventsTopic={} revision={} check={}", config.eventsTopic(), definitions.revision(), failed);
      return Future.failedFuture(new RebuildValidationException(failed, changes));
    }
    if (options.dryRun()) {
      return Future.succeededFuture(result(changes, 0, false));
    }
    long liveRevision = liveViews.values().stream().mapToLong(LiveViews.Summary::revision).max().orElse(-1);
    if (publishing == null) {
      tagAhead();
    }
    List<View> views = publishing;
    List<AheadChunk> ahead = taggedAhead;
    taggedAhead = List.of();
    return DefinitionsTopic.publish(eventLog, config, definitions)
        .compose(v -> {
          step("definitions");
          return publish(views, 0, ahead);
        })
        .onSuccess(v -> step("published"))
        .compose(v -> definitions.revision() > liveRevision ? handOver() : Future.succeededFuture(0))
        .map(tailViews -> result(changes, views.size() + tailViews, true));
  }

  /**
   * Waits {@link #HANDOVER_MS} while the live projector picks up the new definitions, projecting
   * the events appended meanwhile, then publishes their views with the new revision.
   */
  private Future<Integer> handOver() {
    log.info("rebuild handing over to the live projector revision={} waitMs={}", definitions.revision(), HANDOVER_MS);
    return vertx.timer(HANDOVER_MS)
        .compose(
            fired -> {
              List<View> views = new ArrayList<>(tail.values());
              tail = null;
              return publish(views, 0, List.of()).map(v -> views.size());
            });
  }

  /**
   * Appends the staged views, at most {@link #PUBLISH_WINDOW} unacknowledged at a time, each
   * tagged straight from its JSON ({@link ViewTags#tag(dev.tcs.core.security.Hmac, io.vertx.core.json.JsonObject)}),
   * not encoded, parsed back and encoded again as the signing log would; tagged on Vert.x's worker
   * pool, {@link #TAG_CHUNK} views a task, several at once; the chunks of the first window may be
   * tagged already ({@code ahead}, from {@link #tagAhead}). A tenant's views of different
   * consumers are independent, so the chunks need no order among them.
   */
  private Future<Void> publish(List<View> views, int from, List<AheadChunk> ahead) {
    if (from >= views.size()) {
      return Future.succeededFuture();
    }
    int to = Math.min(views.size(), from + PUBLISH_WINDOW);
    List<Future<Void>> chunks = new ArrayList<>();
    for (int start = from, index = 0; start < to; start += TAG_CHUNK, index++) {
      List<View> chunk = views.subList(start, Math.min(to, start + TAG_CHUNK));
      Future<List<Append>> tagged = from == 0 && index < ahead.size() ? ahead.get(index).take(vertx) : vertx.executeBlocking(() -> tagged(chunk), false);
      chunks.add(
          tagged
              .compose(appends -> unsignedLog.appendAll(config.viewsTopic(), appends))
              .onSuccess(v -> metrics.viewsPublished(chunk.size())));
    }
    return Future.all(chunks).compose(v -> publish(views, to, List.of()));
  }

  /**
   * Takes the snapshot of staged views to publish (views staged later go to {@link #tail}) and
   * starts tagging its first {@link #PUBLISH_WINDOW} views on the worker pool, {@link #TAG_CHUNK}
   * a task, while the live views are read and compared and the checks run; so publishing, once
   * they pass, starts with views tagged already. If a check fails the tags are dropped (a dry run
   * does not tag at all). Tags only one window ahead, so no more tagged views than that are held,
   * on {@link #AHEAD_THREADS} threads: the comparison on the event loop comes first.
   */
  private void tagAhead() {
    publishing = new ArrayList<>(staged.values());
    tail = new HashMap<>();
    int to = Math.min(publishing.size(), PUBLISH_WINDOW);
    List<AheadChunk> ahead = new ArrayList<>();
    if (aheadTagger == null) {
      aheadTagger = vertx.createSharedWorkerExecutor("tcs-rebuild-tag-ahead-" + System.identityHashCode(this), AHEAD_THREADS);
    }
    for (int start = 0; start < to; start += TAG_CHUNK) {
      AheadChunk chunk = new AheadChunk(publishing.subList(start, Math.min(to, start + TAG_CHUNK)));
      chunk.ahead = aheadTagger.executeBlocking(() -> chunk.claim() ? tagged(chunk.views) : null, false);
      ahead.add(chunk);
    }
    taggedAhead = ahead;
  }

  /**
   * One chunk of views tagged ahead. Whoever claims it first tags it: the ahead thread, or, once
   * the checks have passed, the publisher (on the whole worker pool), so a chunk the ahead thread
   * has not started yet waits for no one.
   */
  private final class AheadChunk {
    final List<View> views;
    final AtomicBoolean claimed = new AtomicBoolean();
    Future<List<Append>> ahead;

    AheadChunk(List<View> views) {
      this.views = views;
    }

    boolean claim() {
      return claimed.compareAndSet(false, true);
    }

    /** The chunk's tagged views: as tagged ahead, or tagged now on the worker pool if the ahead thread has not started it. */
    Future<List<Append>> take(Vertx vertx) {
      return claim() ? vertx.executeBlocking(() -> tagged(views), false) : ahead;
    }
  }

  private List<Append> tagged(List<View> views) {
    List<Append> appends = new ArrayList<>(views.size());
    for (View view : views) {
      appends.add(new Append(view.tenantId(), ViewTags.tag(config.viewKey(), view.toJson())));
    }
    return appends;
  }

  /** Per consumer: live and staged counts, views added, changed and removed; one pass over each side. */
  private List<ConsumerChange> compare(Map<EventProjector.ViewId, LiveViews.Summary> liveViews) {
    Map<String, long[]> counts = new HashMap<>(); // live, staged, added, changed, removed
    for (String consumer : definitions.consumers()) {
      counts.put(consumer, new long[5]);
    }
    for (Map.Entry<EventProjector.ViewId, LiveViews.Summary> entry : liveViews.entrySet()) {
      long[] c = counts.get(entry.getKey().consumer());
      if (c == null || entry.getValue().deleted()) {
        continue;
      }
      c[0]++;
      View next = staged.get(entry.getKey());
      if (next == null || next.deleted()) {
        c[4]++;
      } else if (contentHash(entry.getKey(), next) != entry.getValue().contentHash()) {
        c[3]++;
      }
    }
    for (Map.Entry<EventProjector.ViewId, View> entry : staged.entrySet()) {
      long[] c = counts.get(entry.getKey().consumer());
      if (c == null || entry.getValue().deleted()) {
        continue;
      }
      c[1]++;
      LiveViews.Summary now = liveViews.get(entry.getKey());
      if (now == null || now.deleted()) {
        c[2]++;
      }
    }
    List<ConsumerChange> changes = new ArrayList<>();
    for (String consumer : definitions.consumers()) {
      long[] c = counts.get(consumer);
      changes.add(new ConsumerChange(consumer, c[0], c[1], c[2], c[3], c[4]));
    }
    return List.copyOf(changes);
  }

  private int contentHash(EventProjector.ViewId id, View view) {
    Hashed hashed = stagedHashes.get(id);
    return hashed != null && hashed.view() == view ? hashed.hash() : LiveViews.contentHash(view);
  }

  /** The first check that fails, with its figures; null if all pass. */
  private String check(List<ConsumerChange> changes) {
    if (options.maxRejected() >= 0 && projector.rejected() > options.maxRejected()) {
      return "rejected: " + projector.rejected() + " records rejected as invalid, more than the allowed " + options.maxRejected();
    }
    for (ConsumerChange change : changes) {
      if (total > 0 && change.staged() == 0) {
        return "consumer-empty: consumer " + change.consumer() + " would have no views (live " + change.live() + ")";
      }
      double allowed = change.live() * (1 - options.maxDropFraction());
      if (change.live() > 0 && change.staged() < allowed) {
        return String.format(
            java.util.Locale.ROOT,
            "view-count-drop: consumer %s would drop from %d to %d views (%.1f%%), more than the allowed %.1f%%",
            change.consumer(), change.live(), change.staged(), 100.0 * (change.live() - change.staged()) / change.live(),
            100 * options.maxDropFraction());
      }
    }
    return null;
  }

  private RebuildResult result(List<ConsumerChange> changes, long published, boolean didPublish) {
    RebuildResult result =
        new RebuildResult(
            Math.max(0, total - projector.rejected()), projector.rejected(), published, definitions.revision(), elapsed(), changes, didPublish);
    log.info(
        "rebuild finished eventsTopic={} revision={} records={} rejected={} views={} published={} tookMs={} stepsEndedAtMs={}",
        config.eventsTopic(), result.revision(), result.records(), result.rejected(), published, didPublish, result.took().toMillis(), stepsMs);
    return result;
  }
}
