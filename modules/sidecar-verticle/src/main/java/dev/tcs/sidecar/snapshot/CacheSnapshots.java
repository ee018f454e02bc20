package dev.tcs.sidecar.snapshot;

import dev.tcs.sidecar.cache.ViewCache;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the sidecar's encrypted cache snapshot: restores it at start, writes it every
 * {@code interval} and at stop. Reading, sealing and writing run on a worker thread (ordered, so
 * two writes never overlap), never on an event loop.
 *
 * <p>A snapshot that is missing starts an empty cache; one that cannot be read, decrypted or
 * parsed is ignored as a whole with a WARN naming the file and the reason: start-up goes on with
 * an empty cache. Restored values are never fresh (they missed the invalidations sent while the
 * sidecar was down): they answer, marked stale with their age, only when no region answers, and
 * the first region answer replaces each.
 */
public final class CacheSnapshots {
  private static final Logger log = LoggerFactory.getLogger(CacheSnapshots.class);

  private final Vertx vertx;
  private final SnapshotSettings settings;
  private final ViewCache cache;
  private final Clock clock;
  private final SnapshotCodec codec;
  private final AtomicBoolean writing = new AtomicBoolean();
  private long timer = -1;

  /**
   * @param clock the wall clock ages are carried across restarts with
   */
  public CacheSnapshots(Vertx vertx, SnapshotSettings settings, ViewCache cache, Clock clock) {
    this.vertx = vertx;
    this.settings = settings;
    this.cache = cache;
    this.clock = clock;
    this.codec = new SnapshotCodec(settings.key(), new SecureRandom());
  }

  /** Puts the snapshot's values back into the cache; completes with how many, 0 when none was usable. Never fails. */
  public Future<Integer> restore() {
    return vertx.executeBlocking(this::restoreNow, true);
  }

  /** Writes the snapshot every {@code interval} from now on. */
  public void start() {
    timer = vertx.setPeriodic(settings.interval().toMillis(), id -> write());
  }

  /** Stops the periodic writes and writes a last snapshot. Never fails. */
  public Future<Void> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    writing.set(true);
    return writeOnWorker();
  }

  /** Writes a snapshot now (on a worker) unless one is being written; a failure is logged, never returned. */
  public Future<Void> write() {
    if (!writing.compareAndSet(false, true)) {
      return Future.succeededFuture(); // the one running is recent enough
    }
    return writeOnWorker();
  }

  private Future<Void> writeOnWorker() {
    return vertx
        .<Void>executeBlocking(() -> {
          try {
            writeNow();
          } finally {
            writing.set(false);
          }
          return null;
        }, true)
        .recover(e -> {
          log.warn("snapshot not written file={} reason={}", settings.path(), String.valueOf(e));
          return Future.succeededFuture();
        });
  }

  private void writeNow() throws Exception {
    long now = clock.millis();
    List<Snapshot.Entry> entries = cache.values().stream()
        .map(held -> new Snapshot.Entry(held.key(), held.answer(), now - TimeUnit.NANOSECONDS.toMillis(held.ageNanos())))
        .toList();
    byte[] sealed = codec.seal(new Snapshot(now, entries));
    SnapshotFile.write(settings.path(), sealed);
    log.debug("snapshot written file={} entries={} bytes={}", settings.path(), entries.size(), sealed.length);
  }

  private int restoreNow() {
    Snapshot snapshot;
    try {
      byte[] sealed = SnapshotFile.read(settings.path());
      if (sealed == null) {
        log.info("no snapshot to restore, starting with an empty cache file={}", settings.path());
        return 0;
      }
      snapshot = codec.open(sealed);
    } catch (SnapshotException | java.io.IOException | RuntimeException e) {
      log.warn("snapshot ignored, starting with an empty cache file={} reason={}", settings.path(), e.getMessage());
      return 0;
    }
    long now = clock.millis();
    int restored = 0;
    for (Snapshot.Entry entry : snapshot.entries()) {
      long ageMillis = Math.max(0, now - entry.fetchedAtMillis());
      if (cache.restore(entry.key(), entry.answer(), TimeUnit.MILLISECONDS.toNanos(ageMillis))) {
        restored++;
      }
    }
    log.info(
        "snapshot restored file={} entries={} of={} snapshotAgeSeconds={}",
        settings.path(), restored, snapshot.entries().size(), Math.max(0, now - snapshot.createdAtMillis()) / 1000);
    return restored;
  }
}
