package dev.tcs.catalogue.testing;

import dev.tcs.catalogue.store.DynamoEventStore;
import dev.tcs.catalogue.store.EventStore;
import dev.tcs.catalogue.store.Head;
import dev.tcs.catalogue.store.HostConflictException;
import dev.tcs.catalogue.store.Page;
import dev.tcs.catalogue.store.PendingTenant;
import dev.tcs.catalogue.store.TenantSummary;
import dev.tcs.catalogue.store.VersionConflictException;
import dev.tcs.core.model.CatalogueEvent;
import dev.tcs.core.model.Hosts;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link EventStore} in memory with the same conditions as the DynamoDB one, for unit tests.
 * {@link #failNextAppends} makes appends lose their version, to exercise retries; {@link
 * #holdMarks} keeps {@link #markPublished} calls unanswered until {@link #releaseMarks}.
 */
public final class InMemoryEventStore implements EventStore {
  private final Map<String, TreeMap<Long, CatalogueEvent>> events = new HashMap<>();
  private final Map<String, Head> heads = new TreeMap<>();
  private final Map<String, Instant> pendingSince = new HashMap<>();
  private final Map<String, String> claims = new HashMap<>();
  private final AtomicInteger conflictsToInject = new AtomicInteger();
  private final AtomicInteger appends = new AtomicInteger();
  private final AtomicInteger headReads = new AtomicInteger();
  private final AtomicInteger eventReads = new AtomicInteger();
  private final AtomicInteger marks = new AtomicInteger();
  private Runnable race;
  private boolean holdingMarks;
  private final List<Runnable> heldMarks = new ArrayList<>();

  /** The next {@code n} appends fail with a version conflict (as if another writer won). */
  public void failNextAppends(int n) {
    conflictsToInject.set(n);
  }

  /** Runs {@code race} (say, another writer's append) just before the next append is checked. */
  public void beforeNextAppend(Runnable race) {
    this.race = race;
  }

  /** While {@code holding}, {@link #markPublished} neither applies nor answers until {@link #releaseMarks}. */
  public synchronized void holdMarks(boolean holding) {
    this.holdingMarks = holding;
  }

  /** Applies and answers every held {@link #markPublished}, in the order they were made. */
  public void releaseMarks() {
    List<Runnable> releasing;
    synchronized (this) {
      releasing = List.copyOf(heldMarks);
      heldMarks.clear();
    }
    releasing.forEach(Runnable::run);
  }

  /** How many appends were attempted. */
  public int appendAttempts() {
    return appends.get();
  }

  /** How many times a head was read. */
  public int headReads() {
    return headReads.get();
  }

  /** How many times a range of events was read ({@link #events}). */
  public int eventReads() {
    return eventReads.get();
  }

  /** How many times {@link #markPublished} was called. */
  public int marks() {
    return marks.get();
  }

  public synchronized Map<String, String> claims() {
    return Map.copyOf(claims);
  }

  public synchronized List<CatalogueEvent> allEvents(String tenantId) {
    return List.copyOf(events.getOrDefault(tenantId, new TreeMap<>()).values());
  }

  @Override
  public synchronized Future<Head> head(String tenantId) {
    headReads.incrementAndGet();
    return Future.succeededFuture(heads.get(tenantId));
  }

  @Override
  public synchronized Future<Void> append(Head before, CatalogueEvent event) {
    appends.incrementAndGet();
    if (race != null) {
      Runnable running = race;
      race = null;
      running.run();
    }
    String tenantId = event.tenantId();
    long expected = before == null ? 0 : before.version();
    if (conflictsToInject.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return Future.failedFuture(new VersionConflictException(tenantId, expected, "injected"));
    }
    Head current = heads.get(tenantId);
    if ((current == null ? 0 : current.version()) != expected || event.version() != expected + 1) {
      return Future.failedFuture(new VersionConflictException(tenantId, expected, "head moved"));
    }
    List<String> newHosts = event.isDeletion() ? List.of() : Hosts.fromJson("hosts", event.document().getValue("hosts"));
    for (String host : newHosts) {
      String owner = claims.get(host);
      if (owner != null && !owner.equals(tenantId)) {
        return Future.failedFuture(new HostConflictException(host, owner));
      }
    }
    if (current != null) {
      current.hosts().forEach(host -> claims.remove(host, tenantId));
    }
    newHosts.forEach(host -> claims.put(host, tenantId));
    events.computeIfAbsent(tenantId, t -> new TreeMap<>()).put(event.version(), event);
    pendingSince.putIfAbsent(tenantId, event.occurredAt());
    heads.put(
        tenantId,
        new Head(
            tenantId,
            event.version(),
            event.isDeletion(),
            event.document(),
            newHosts,
            event.occurredAt(),
            current == null ? 0 : current.publishedVersion()));
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<CatalogueEvent> event(String tenantId, long version) {
    return Future.succeededFuture(events.getOrDefault(tenantId, new TreeMap<>()).get(version));
  }

  @Override
  public synchronized Future<Page<CatalogueEvent>> history(String tenantId, long fromVersion, int limit) {
    List<CatalogueEvent> page = new ArrayList<>();
    for (CatalogueEvent event : events.getOrDefault(tenantId, new TreeMap<>()).headMap(fromVersion, true).descendingMap().values()) {
      if (page.size() == limit) {
        break;
      }
      page.add(event);
    }
    long last = page.isEmpty() ? 1 : page.get(page.size() - 1).version();
    return Future.succeededFuture(new Page<>(page, last > 1 ? Long.toString(last - 1) : null));
  }

  @Override
  public synchronized Future<List<CatalogueEvent>> events(String tenantId, long fromVersion, long toVersion) {
    eventReads.incrementAndGet();
    List<CatalogueEvent> out = new ArrayList<>();
    if (toVersion >= fromVersion) {
      for (CatalogueEvent event : events.getOrDefault(tenantId, new TreeMap<>()).subMap(fromVersion, true, toVersion, true).values()) {
        if (out.size() == MAX_EVENTS_PER_READ) {
          break;
        }
        out.add(event);
      }
    }
    return Future.succeededFuture(out);
  }

  @Override
  public synchronized Future<Page<TenantSummary>> tenants(String cursor, int limit) {
    List<TenantSummary> page = new ArrayList<>();
    String after = cursor == null ? null : DynamoEventStore.decodeCursor(cursor);
    String last = null;
    for (Head head : heads.values()) {
      if (after != null && head.tenantId().compareTo(after) <= 0) {
        continue;
      }
      if (page.size() == limit) {
        return Future.succeededFuture(new Page<>(page, DynamoEventStore.encodeCursor(last)));
      }
      page.add(new TenantSummary(head.tenantId(), head.version(), head.deleted(), head.updatedAt()));
      last = head.tenantId();
    }
    return Future.succeededFuture(new Page<>(page, null));
  }

  @Override
  public synchronized Future<Page<PendingTenant>> pending(String cursor, int limit) {
    List<PendingTenant> page = new ArrayList<>();
    for (Head head : heads.values()) {
      if (head.unpublished()) {
        page.add(new PendingTenant(head.tenantId(), pendingSince.getOrDefault(head.tenantId(), head.updatedAt())));
      }
    }
    return Future.succeededFuture(new Page<>(page, null));
  }

  @Override
  public synchronized Future<Void> markPublished(String tenantId, long version) {
    marks.incrementAndGet();
    if (holdingMarks) {
      Promise<Void> answer = Promise.promise();
      heldMarks.add(() -> markNow(tenantId, version).onComplete(answer));
      return answer.future();
    }
    return markNow(tenantId, version);
  }

  private synchronized Future<Void> markNow(String tenantId, long version) {
    Head head = heads.get(tenantId);
    if (head != null && head.publishedVersion() < version && version <= head.version()) {
      heads.put(
          tenantId,
          new Head(head.tenantId(), head.version(), head.deleted(), head.document(), head.hosts(), head.updatedAt(), version));
      if (version == head.version()) {
        pendingSince.remove(tenantId);
      }
    }
    return Future.succeededFuture();
  }
}
