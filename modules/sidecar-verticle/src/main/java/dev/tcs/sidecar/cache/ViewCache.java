package dev.tcs.sidecar.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.tcs.core.model.Invalidation;
import dev.tcs.core.read.HeaderValues;
import dev.tcs.core.read.InvalidationReceiver.Flush;
import dev.tcs.core.read.ReadKey;
import dev.tcs.core.read.Stamp;
import dev.tcs.sidecar.SidecarConfig;
import dev.tcs.sidecar.SidecarMetrics.Admission;
import dev.tcs.sidecar.SidecarMetrics.InvalidationOutcome;
import dev.tcs.sidecar.SidecarMetrics.Read;
import dev.tcs.sidecar.SidecarMetrics;
import dev.tcs.sidecar.lane.RegionAnswer;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sidecar's long-lived cache of region answers (Caffeine), with the version rules that keep
 * an application from ever seeing a version go backwards.
 *
 * <ul>
 *   <li>A value is served from memory for {@code ttl}, then kept {@code stale-ttl} longer to
 *       answer when no region does; a 404 is kept {@code negative-ttl}; 401/403 never. A value
 *       read in the last quarter of its ttl is refreshed ahead once ({@link #claimRefresh}).
 *   <li>A fetched answer older than the cached one (same tenant; by version, then definitions
 *       revision) is neither stored nor answered.
 *   <li>An invalidation drops the entries of its (tenant, consumer), by tenant and by host, that
 *       are older than it, and leaves a floor: a read that started before the message (or a
 *       lagging region) cannot store an older value after it. With {@code keep-superseded} a
 *       tenant key's value is kept instead as a last resort: never fresh, answered (stale, with
 *       its age) only when no region answers, replaced by the next region answer. Host keys are
 *       always dropped: a host may have moved to another tenant.
 *   <li>A flush empties the cache and makes every read already in flight unable to store.
 * </ul>
 *
 * <p>Thread-safe: reads come from event loops, invalidations from Hazelcast threads. Every change
 * to one key runs inside that key's atomic {@code compute}, which orders stores against drops.
 * Nothing here blocks or does I/O.
 */
public final class ViewCache {
  /** A value read in the last 1/4 of its ttl is refreshed ahead of it, once. */
  static final long REFRESH_AHEAD_DIVISOR = 4;
  private final Cache<ReadKey, CacheEntry> entries;
  private final Cache<TenantConsumer, Floor> floors;
  /** The host keys stored per (tenant, consumer), so an invalidation finds hosts a tenant lost. */
  private final ConcurrentHashMap<TenantConsumer, Set<String>> hostsOf = new ConcurrentHashMap<>();
  /** Consumers that read through this sidecar; invalidations for others are ignored. */
  private final Set<String> consumers = ConcurrentHashMap.newKeySet();
  private final AtomicLong epoch = new AtomicLong();
  private final Ticker ticker;
  private final long ttlNanos;
  private final long valueLifeNanos;
  private final long refreshAheadNanos;
  private final boolean cacheNegatives;
  private final boolean keepSuperseded;
  private final SidecarMetrics metrics;
  private final long graceNanos;
  private volatile Refresher refresher = Refresher.NONE;

  /**
   * @param settings sizes and lifetimes
   * @param ticker the time source of lifetimes (injected in tests)
   * @param executor where Caffeine runs its maintenance; never an event loop
   * @param metrics where admissions, flushes and the size are published
   */
  public ViewCache(SidecarConfig.Cache settings, Ticker ticker, Executor executor, SidecarMetrics metrics) {
    this.ticker = ticker;
    this.ttlNanos = settings.ttl().toNanos();
    this.valueLifeNanos = ttlNanos + settings.staleTtl().toNanos();
    this.refreshAheadNanos = ttlNanos - ttlNanos / REFRESH_AHEAD_DIVISOR;
    this.cacheNegatives = !settings.negativeTtl().isZero();
    this.keepSuperseded = settings.keepSuperseded();
    this.graceNanos = settings.refreshGrace().toNanos();
    this.metrics = metrics;
    this.entries =
        Caffeine.newBuilder()
            .maximumSize(settings.maximumSize())
            .ticker(ticker)
            .executor(executor)
            .expireAfter(new Lifetime(valueLifeNanos, settings.negativeTtl().toNanos()))
            .evictionListener((ReadKey key, CacheEntry entry, RemovalCause cause) -> unindex(key, entry))
            .build();
    this.floors =
        Caffeine.newBuilder()
            .maximumSize(settings.maximumSize())
            .ticker(ticker)
            .executor(executor)
            .expireAfterWrite(settings.ttl())
            .build();
    metrics.cacheSize(entries::estimatedSize);
  }

  /** The cached answer if it is fresh (a value younger than ttl, or a remembered 404), else null. */
  public RegionAnswer fresh(ReadKey key) {
    CacheEntry entry = entries.getIfPresent(key);
    return entry != null && isFresh(entry) ? entry.answer() : null;
  }

  /** The cached value if it is fresh, ready to write (the read fast path), else null: a 404 or a miss goes the slow way. */
  public Hit freshHit(ReadKey key) {
    CacheEntry entry = entries.getIfPresent(key);
    return entry != null && entry.hit() != null && isFresh(entry) ? entry.hit() : null;
  }

  /**
   * True for exactly one caller once {@code hit} is in the last quarter of its ttl: that caller
   * starts a refresh-ahead, so a value read often is replaced before it expires and its readers
   * never wait for a region. A refresh that fails is not retried for this entry: at ttl the read
   * path fetches again, or answers the stale value.
   */
  public boolean claimRefresh(Hit hit) {
    return ticker.read() - hit.refreshAtNanos() >= 0 && !hit.refreshClaimed().get() && hit.refreshClaimed().compareAndSet(false, true);
  }

  /** The cached value even past its ttl (within stale-ttl), else null: the answer of last resort. */
  public RegionAnswer stale(ReadKey key) {
    CacheEntry entry = entries.getIfPresent(key);
    return entry != null && entry.answer().isValue() ? entry.answer() : null;
  }

  /**
   * What loads a key again once an invalidation dropped it ({@link InvalidationRefresh}). Called on
   * the invalidation's thread; must not block.
   */
  public interface Refresher {
    Refresher NONE = new Refresher() {
      @Override
      public boolean reserve(ReadKey key) {
        return false;
      }

      @Override
      public void start(ReadKey key) {}
    };

    /** True when a refresh of {@code key} will start (a token and a slot are taken for it); runs inside the key's update. */
    boolean reserve(ReadKey key);

    /** Starts the refresh {@link #reserve} promised, after the key's update. */
    void start(ReadKey key);
  }

  /**
   * Sets what loads each key an invalidation drops (flushes and revocations load nothing). With
   * {@code keep-superseded}, a tenant key whose refresh started stays fresh for {@code
   * refresh-grace} (its superseded value answers, as it did until the message arrived) so its
   * readers do not miss while the newer version loads; the loaded version replaces it.
   */
  public void onInvalidated(Refresher refresher) {
    this.refresher = refresher;
  }

  /**
   * Ends the grace of {@code key}'s superseded value now (its refresh could not load the newer
   * version): from then on reads ask the regions themselves, and it answers only as the last resort.
   */
  public void endGrace(ReadKey key) {
    entries.asMap().computeIfPresent(key, (k, entry) -> entry.lastResort() && isFresh(entry) ? entry.superseded(ticker.read()) : entry);
  }

  /** True when {@code key} holds a value or 404 a region answered, fresh, and not superseded. */
  public boolean holdsCurrent(ReadKey key) {
    CacheEntry entry = entries.getIfPresent(key);
    return entry != null && !entry.lastResort() && isFresh(entry);
  }

  /** Changes on every flush; a read remembers it when it starts and passes it to {@link #settle}. */
  public long epoch() {
    return epoch.get();
  }

  /** Drops every entry of {@code consumer}: a region said it no longer has a view ({@link ConsumerGrants}). */
  public void dropConsumer(String consumer) {
    entries.asMap().keySet().removeIf(key -> key.consumer().equals(consumer));
  }

  /** Records that {@code consumer} reads through this sidecar, so its invalidations apply. */
  public void noteConsumer(String consumer) {
    consumers.add(consumer);
  }

  /** True when {@code fetched} is older than what is known for {@code key}: wait for a newer one. */
  public boolean isBehind(ReadKey key, RegionAnswer fetched) {
    CacheEntry entry = entries.getIfPresent(key);
    return VersionRules.isBehind(entry == null ? null : entry.answer(), floorOf(fetched, key), fetched);
  }

  /**
   * Applies the version rules to a region's answer for {@code key}: stores it if allowed, and says
   * what to answer.
   *
   * @param epochAtStart {@link #epoch()} when the read started
   * @return what to answer, or null when the answer is older than what this sidecar already
   *     answered and nothing newer is cached
   */
  public Served settle(ReadKey key, RegionAnswer fetched, long epochAtStart) {
    TenantConsumer owner = fetched.tenantId() == null ? null : new TenantConsumer(fetched.tenantId(), key.consumer());
    boolean indexHost = key.kind() == ReadKey.Kind.HOST && owner != null && fetched.isSuccess();
    if (indexHost) {
      index(owner, key.id()); // before storing: an invalidation that misses the store still sees the host
    }
    Served[] served = new Served[1];
    Admission[] verdict = new Admission[1];
    entries.asMap().compute(key, (k, existing) -> {
      RegionAnswer known = existing == null ? null : existing.answer();
      Floor floor = owner == null ? null : floors.getIfPresent(owner);
      boolean flushed = epoch.get() != epochAtStart;
      verdict[0] = VersionRules.judge(known, floor, fetched, flushed, cacheNegatives);
      switch (verdict[0]) {
        case STORED -> {
          if (existing != null && !sameOwner(known, fetched)) {
            unindex(k, existing);
          }
          served[0] = new Served(fetched, Read.MISS);
          return new CacheEntry(detached(k, fetched, sameView(k, fetched)), ticker.read(), refreshAheadNanos);
        }
        case UNCACHED -> {
          if (floor != null && fetched.isVersioned()) {
            raiseServed(owner, fetched.stamp());
          }
          served[0] = new Served(fetched, Read.MISS);
          return existing;
        }
        case KEPT_NEWER -> {
          served[0] = new Served(known, isFresh(existing) ? Read.HIT : Read.STALE);
          return existing;
        }
        default -> {
          return existing;
        }
      }
    });
    if (indexHost && verdict[0] != Admission.STORED && !isIndexedEntry(key, owner)) {
      unindexHost(owner, key.id());
    }
    metrics.admission(verdict[0]);
    return served[0];
  }

  /** As {@link #apply(Invalidation, long)} for a message that carries no definitions revision. */
  public InvalidationOutcome apply(Invalidation invalidation) {
    return apply(invalidation, Stamp.UNKNOWN_REVISION);
  }

  /**
   * Applies an invalidation: raises the floor of its (tenant, consumer) and drops that consumer's
   * entries of the tenant (by tenant id, by the hosts the message names, and by the hosts cached
   * for the tenant) that are older than the message. Safe on any thread.
   *
   * @param revision the definitions revision the message carries, or {@link Stamp#UNKNOWN}
   */
  public InvalidationOutcome apply(Invalidation invalidation, long revision) {
    if (!consumers.contains(invalidation.consumer())) {
      return InvalidationOutcome.IGNORED;
    }
    TenantConsumer owner = new TenantConsumer(invalidation.tenantId(), invalidation.consumer());
    Stamp announced = new Stamp(invalidation.version(), revision);
    floors.asMap().merge(
        owner,
        new Floor(announced, Stamp.NONE),
        (old, raised) -> old.announced().olderThan(announced) ? new Floor(announced, old.served()) : old);
    int dropped = drop(ReadKey.tenant(invalidation.tenantId(), invalidation.consumer()), owner, invalidation, announced, true);
    Set<String> hosts = new LinkedHashSet<>(invalidation.keys());
    Set<String> indexed = hostsOf.get(owner);
    if (indexed != null) {
      hosts.addAll(indexed);
    }
    for (String host : hosts) {
      dropped += drop(ReadKey.host(host, invalidation.consumer()), owner, invalidation, announced, invalidation.keys().contains(host));
    }
    return dropped > 0 ? InvalidationOutcome.APPLIED : InvalidationOutcome.IGNORED;
  }

  /**
   * Drops every entry, after invalidations may have been lost. Reads in flight will not store what
   * they fetch. Floors are kept: what they say is still true.
   */
  public void flush(Flush reason) {
    epoch.incrementAndGet();
    entries.invalidateAll();
    hostsOf.clear();
    metrics.flush(reason);
  }

  /** Entries held, approximately. */
  public long size() {
    return entries.estimatedSize();
  }

  /**
   * A value held, for a snapshot.
   *
   * @param ageNanos how long ago a region answered it
   */
  public record Held(ReadKey key, RegionAnswer answer, long ageNanos) {}

  /** The values held now, with their ages (for a snapshot; weakly consistent, never blocks). */
  public List<Held> values() {
    long now = ticker.read();
    List<Held> out = new ArrayList<>();
    entries.asMap().forEach((key, entry) -> {
      if (entry.answer().isValue() && entry.answer().isVersioned()) {
        out.add(new Held(key, entry.answer(), Math.max(0, now - entry.storedAtNanos())));
      }
    });
    return out;
  }

  /**
   * Puts a value from a snapshot back, {@code ageNanos} old and never fresh: it answers (stale)
   * only when no region does, until a region's answer replaces it. Kept out when it has expired,
   * or when the cache already knows something as new of its tenant. Invalidations apply to it
   * (its consumer is noted).
   *
   * @return true when it was put back
   */
  public boolean restore(ReadKey key, RegionAnswer value, long ageNanos) {
    if (!value.isValue() || !value.isVersioned() || value.tenantId() == null || ageNanos < 0 || ageNanos >= valueLifeNanos) {
      return false;
    }
    TenantConsumer owner = new TenantConsumer(value.tenantId(), key.consumer());
    Floor floor = floors.getIfPresent(owner);
    if (floor != null && value.stamp().olderThan(floor.announced())) {
      return false;
    }
    noteConsumer(key.consumer());
    if (key.kind() == ReadKey.Kind.HOST) {
      index(owner, key.id());
    }
    boolean[] restored = new boolean[1];
    entries.asMap().compute(key, (k, existing) -> {
      if (existing != null && VersionRules.isBehind(existing.answer(), null, value)) {
        return existing;
      }
      restored[0] = true;
      return CacheEntry.restored(value, ticker.read() - ageNanos);
    });
    if (!restored[0] && key.kind() == ReadKey.Kind.HOST && !isIndexedEntry(key, owner)) {
      unindexHost(owner, key.id());
    }
    return restored[0];
  }

  /** How long ago a region answered the value held for {@code key}, or -1 when none is held. */
  public long ageNanos(ReadKey key) {
    CacheEntry entry = entries.getIfPresent(key);
    return entry == null ? -1 : Math.max(0, ticker.read() - entry.storedAtNanos());
  }

  /** Runs pending maintenance now (tests). */
  void cleanUp() {
    entries.cleanUp();
    floors.cleanUp();
  }

  private int drop(ReadKey key, TenantConsumer owner, Invalidation invalidation, Stamp announced, boolean named) {
    boolean[] dropped = new boolean[1];
    boolean[] refreshing = new boolean[1];
    entries.asMap().computeIfPresent(key, (k, entry) -> {
      RegionAnswer known = entry.answer();
      boolean sameTenant = invalidation.tenantId().equals(known.tenantId());
      boolean ours = sameTenant || (known.tenantId() == null && named);
      if (!ours || (known.isVersioned() && !known.stamp().olderThan(announced))) {
        return entry;
      }
      if (known.isVersioned()) {
        raiseServed(owner, known.stamp());
      }
      dropped[0] = true;
      refreshing[0] = refresher.reserve(k);
      if (keepSuperseded && k.kind() == ReadKey.Kind.TENANT && known.isValue() && known.isVersioned()) {
        return entry.lastResort() ? entry : entry.superseded(ticker.read() + (refreshing[0] ? graceNanos : 0));
      }
      unindex(k, entry);
      return null;
    });
    if (refreshing[0]) {
      refresher.start(key);
    }
    return dropped[0] ? 1 : 0;
  }

  private boolean isFresh(CacheEntry entry) {
    if (!entry.answer().isValue()) {
      return true;
    }
    long now = ticker.read();
    return entry.lastResort() ? now - entry.graceUntilNanos() < 0 : now - entry.storedAtNanos() < ttlNanos;
  }

  private Floor floorOf(RegionAnswer fetched, ReadKey key) {
    return fetched.tenantId() == null ? null : floors.getIfPresent(new TenantConsumer(fetched.tenantId(), key.consumer()));
  }

  private void raiseServed(TenantConsumer owner, Stamp stamp) {
    floors.asMap().computeIfPresent(owner, (k, floor) -> new Floor(floor.announced(), floor.served().newer(stamp)));
  }

  private boolean isIndexedEntry(ReadKey key, TenantConsumer owner) {
    CacheEntry entry = entries.getIfPresent(key);
    return entry != null && owner.tenantId().equals(entry.answer().tenantId());
  }

  private void index(TenantConsumer owner, String host) {
    hostsOf.compute(owner, (k, hosts) -> {
      Set<String> out = hosts == null ? ConcurrentHashMap.newKeySet() : hosts;
      out.add(host);
      return out;
    });
  }

  private void unindex(ReadKey key, CacheEntry entry) {
    if (key != null && entry != null && key.kind() == ReadKey.Kind.HOST && entry.answer().tenantId() != null) {
      unindexHost(new TenantConsumer(entry.answer().tenantId(), key.consumer()), key.id());
    }
  }

  private void unindexHost(TenantConsumer owner, String host) {
    hostsOf.computeIfPresent(owner, (k, hosts) -> {
      hosts.remove(host);
      return hosts.isEmpty() ? null : hosts;
    });
  }

  private static boolean sameOwner(RegionAnswer known, RegionAnswer fetched) {
    return known.tenantId() != null && known.tenantId().equals(fetched.tenantId());
  }

  /**
   * The value already cached for the same tenant, consumer and stamp under another key (the tenant
   * key for a host read, a host key for a tenant read) when its body's bytes are equal, else null:
   * one view is then held once for its tenant key and all its host keys. Reads other keys only, so
   * it may run inside {@code compute}.
   */
  private RegionAnswer sameView(ReadKey key, RegionAnswer fetched) {
    if (!fetched.isValue() || fetched.tenantId() == null) {
      return null;
    }
    if (key.kind() == ReadKey.Kind.HOST) {
      return ifSame(entries.getIfPresent(ReadKey.tenant(fetched.tenantId(), key.consumer())), fetched);
    }
    Set<String> hosts = hostsOf.get(new TenantConsumer(fetched.tenantId(), key.consumer()));
    if (hosts != null) {
      for (String host : hosts) {
        RegionAnswer same = ifSame(entries.getIfPresent(ReadKey.host(host, key.consumer())), fetched);
        if (same != null) {
          return same;
        }
      }
    }
    return null;
  }

  private static RegionAnswer ifSame(CacheEntry entry, RegionAnswer fetched) {
    if (entry == null || !entry.answer().isValue() || !fetched.tenantId().equals(entry.answer().tenantId())) {
      return null;
    }
    RegionAnswer known = entry.answer();
    return known.stamp().equals(fetched.stamp()) && known.body().equals(fetched.body()) ? known : null;
  }

  /**
   * The copy of {@code answer} to keep under {@code key}, which shares no memory with the
   * connection it was read from and holds nothing twice: the body and tenant id of {@code same} (an
   * equal view already cached under another key) when given, else a new copy of the body and the
   * key's own tenant id; the header texts many entries repeat ({@link HeaderValues}).
   */
  private static RegionAnswer detached(ReadKey key, RegionAnswer answer, RegionAnswer same) {
    Buffer body = same != null ? same.body() : Buffer.buffer(answer.body().getBytes());
    String tenantId = same != null ? same.tenantId() : key.kind() == ReadKey.Kind.TENANT && key.id().equals(answer.tenantId()) ? key.id() : answer.tenantId();
    return new RegionAnswer(
        answer.lane(),
        answer.status(),
        answer.version(),
        answer.revision(),
        tenantId,
        HeaderValues.text(answer.etag()),
        answer.servedBy().equals(answer.lane()) ? answer.lane() : HeaderValues.text(answer.servedBy()),
        HeaderValues.text(answer.contentType()),
        body);
  }

  /** Values live ttl + stale-ttl, 404s negative-ttl, counted from when they were stored. */
  private record Lifetime(long valueNanos, long negativeNanos) implements Expiry<ReadKey, CacheEntry> {
    private long remaining(CacheEntry entry, long now) {
      long life = entry.answer().isValue() ? valueNanos : negativeNanos;
      return Math.max(0, life - (now - entry.storedAtNanos()));
    }

    @Override
    public long expireAfterCreate(ReadKey key, CacheEntry entry, long currentTime) {
      return remaining(entry, currentTime);
    }

    @Override
    public long expireAfterUpdate(ReadKey key, CacheEntry entry, long currentTime, long currentDuration) {
      return remaining(entry, currentTime);
    }

    @Override
    public long expireAfterRead(ReadKey key, CacheEntry entry, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }
}
