package dev.tcs.region.ingest;

import dev.tcs.core.async.Parallel;
import dev.tcs.core.dynamo.Async;
import dev.tcs.core.log.BatchHandler;
import dev.tcs.core.log.LogRecord;
import dev.tcs.core.log.RecordHandler;
import dev.tcs.core.model.Invalidation;
import dev.tcs.core.model.ValidationException;
import dev.tcs.core.model.View;
import dev.tcs.core.read.InvalidationMessage;
import dev.tcs.core.read.ReadKey;
import dev.tcs.core.read.Stamp;
import dev.tcs.region.RegionMetrics;
import dev.tcs.region.cache.ViewCache;
import dev.tcs.region.invalidation.InvalidationBroadcaster;
import dev.tcs.region.store.ApplyResult;
import dev.tcs.region.store.DynamoViewStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the views topic for one region, a batch at a time: each record is validated as a
 * {@link View}; of the views of one {@code (tenant, consumer)} in the batch only the newest is
 * kept (the others count as {@code outcome=coalesced}); the kept views are applied to the
 * region's table {@link #CHUNK} at a time ({@link DynamoViewStore#applyAll}: one read of their
 * tenant items, one transactional write for the plain ones), {@link #PARALLEL_CHUNKS} chunks at
 * once, each view only if it is not older than what the table holds; then this node's cache
 * entries for it are dropped and an invalidation is queued for the region's other nodes.
 *
 * <p>A record that is not a valid view is counted ({@code outcome=rejected}), logged at WARN with
 * its position, and skipped; the rest of the batch is applied. A DynamoDB failure fails the
 * returned future, so the event log retries the batch: nothing is lost, and applying a view
 * twice is harmless. Runs on the subscription's context; the store's calls do not block.
 */
public final class ViewIngester implements RecordHandler, BatchHandler {
  /** Views per {@link DynamoViewStore#applyAll} call: with one host each, one full transaction. */
  static final int CHUNK = 50;
  /** {@link DynamoViewStore#applyAll} calls in flight at once, per partition lane. */
  static final int PARALLEL_CHUNKS = 2;

  private static final Logger log = LoggerFactory.getLogger(ViewIngester.class);

  private final Context context;
  private final String region;
  private final DynamoViewStore store;
  private final ViewCache cache;
  private final InvalidationBroadcaster broadcaster;
  private final RegionMetrics metrics;
  private final Clock clock;

  public ViewIngester(
      Context context,
      String region,
      DynamoViewStore store,
      ViewCache cache,
      InvalidationBroadcaster broadcaster,
      RegionMetrics metrics,
      Clock clock) {
    this.context = context;
    this.region = region;
    this.store = store;
    this.cache = cache;
    this.broadcaster = broadcaster;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public Future<Void> handle(LogRecord record) {
    return handle(List.of(record));
  }

  @Override
  public Future<Void> handle(List<LogRecord> records) {
    Map<ReadKey, Received> newest = new LinkedHashMap<>();
    for (LogRecord record : records) {
      View view = decode(record);
      if (view == null) {
        continue;
      }
      Received received = new Received(record, view);
      ReadKey key = ReadKey.tenant(view.tenantId(), view.consumer());
      Received previous = newest.put(key, received);
      if (previous != null) {
        metrics.ingest(RegionMetrics.Ingest.COALESCED);
        if (Stamp.of(previous.view()).newerThan(Stamp.of(view))) {
          newest.put(key, previous); // an older view arrived late
        }
      }
    }
    List<Received> kept = new ArrayList<>(newest.values());
    List<List<Received>> chunks = new ArrayList<>();
    for (int from = 0; from < kept.size(); from += CHUNK) {
      chunks.add(kept.subList(from, Math.min(kept.size(), from + CHUNK)));
    }
    return Parallel.forEach(chunks, PARALLEL_CHUNKS, this::applyChunk);
  }

  private Future<Void> applyChunk(List<Received> chunk) {
    List<View> views = chunk.stream().map(Received::view).toList();
    return Async.on(context, store.applyAll(views))
        .map(
            results -> {
              for (int i = 0; i < chunk.size(); i++) {
                applied(chunk.get(i).record(), chunk.get(i).view(), results.get(i));
              }
              return null;
            });
  }

  /** A decoded view with the record it came from. */
  private record Received(LogRecord record, View view) {}

  private View decode(LogRecord record) {
    try {
      return View.fromBuffer(record.value());
    } catch (ValidationException e) {
      reject(record, e.field(), e.getMessage());
    } catch (RuntimeException e) {
      reject(record, "view", e.getClass().getSimpleName());
    }
    return null;
  }

  private void reject(LogRecord record, String field, String reason) {
    metrics.ingest(RegionMetrics.Ingest.REJECTED);
    log.warn("view rejected region={} position={} field={} reason={}", region, record.position(), field, reason);
  }

  private Void applied(LogRecord record, View view, ApplyResult result) {
    if (!result.applied()) {
      metrics.ingest(RegionMetrics.Ingest.STALE);
      log.debug("view stale region={} position={} tenantId={} consumer={} version={}", region, record.position(), view.tenantId(), view.consumer(), view.version());
      return null;
    }
    metrics.ingest(RegionMetrics.Ingest.APPLIED);
    if (record.timestamp() > 0) {
      metrics.ingestLag(Math.max(0, clock.millis() - record.timestamp()));
    }
    InvalidationMessage message = new InvalidationMessage(invalidationOf(view, result), view.revision());
    cache.invalidate(message);
    broadcaster.offer(message);
    return null;
  }

  /** The view's invalidation, with the hosts it dropped among the keys so their entries go too. */
  static Invalidation invalidationOf(View view, ApplyResult result) {
    Invalidation invalidation = Invalidation.of(view);
    if (result.removedHosts().isEmpty()) {
      return invalidation;
    }
    List<String> keys = new ArrayList<>(view.keys());
    keys.addAll(result.removedHosts());
    return new Invalidation(view.tenantId(), view.consumer(), keys, view.version());
  }
}
