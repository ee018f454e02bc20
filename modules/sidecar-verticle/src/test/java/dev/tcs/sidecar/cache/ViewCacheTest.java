package dev.tcs.sidecar.cache;

import static dev.tcs.sidecar.TestAnswers.notFound;
import static dev.tcs.sidecar.TestAnswers.problem;
import static dev.tcs.sidecar.TestAnswers.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.model.Invalidation;
import dev.tcs.core.read.InvalidationReceiver.Flush;
import dev.tcs.core.read.ReadKey;
import dev.tcs.sidecar.FakeTicker;
import dev.tcs.sidecar.SidecarConfig;
import dev.tcs.sidecar.SidecarMetrics.InvalidationOutcome;
import dev.tcs.sidecar.SidecarMetrics.Read;
import dev.tcs.sidecar.SidecarMetrics;
import dev.tcs.sidecar.lane.RegionAnswer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The version rules and lifetimes of the cache, with time driven by hand. */
class ViewCacheTest {
  private static final Duration TTL = Duration.ofHours(1);
  private static final Duration STALE_TTL = Duration.ofMinutes(30);
  private static final Duration NEGATIVE_TTL = Duration.ofSeconds(5);
  private static final ReadKey ACME = ReadKey.tenant("acme", "jira");
  private static final ReadKey ACME_HOST = ReadKey.host("acme.example.net", "jira");

  private FakeTicker ticker;
  private SimpleMeterRegistry registry;
  private ViewCache cache;

  @BeforeEach
  void setUp() {
    ticker = new FakeTicker();
    cache = cache(NEGATIVE_TTL);
  }

  private ViewCache cache(Duration negativeTtl) {
    registry = new SimpleMeterRegistry(); // one cache per registry, as in a sidecar
    return new ViewCache(
        new SidecarConfig.Cache(1_000, TTL, negativeTtl, STALE_TTL), ticker, Runnable::run, new SidecarMetrics(registry));
  }

  private Served store(ReadKey key, RegionAnswer answer) {
    cache.noteConsumer(key.consumer());
    return cache.settle(key, answer, cache.epoch());
  }

  private static Invalidation invalidation(String tenant, String consumer, long version, String... hosts) {
    return new Invalidation(tenant, consumer, List.of(hosts), version);
  }

  @Test
  void fresh_valueWithinTtl_returnsIt() {
    Served served = store(ACME, value("us-east", "acme", 3));

    ticker.advance(TTL.minusSeconds(1));

    assertEquals(Read.MISS, served.outcome());
    assertEquals(3, cache.fresh(ACME).version());
  }

  @Test
  void fresh_valuePastTtl_isNotFreshButStillStale() {
    store(ACME, value("us-east", "acme", 3));

    ticker.advance(TTL.plusSeconds(1));

    assertNull(cache.fresh(ACME));
    assertEquals(3, cache.stale(ACME).version());
  }

  @Test
  void stale_valuePastTtlAndStaleTtl_isGone() {
    store(ACME, value("us-east", "acme", 3));

    ticker.advance(TTL.plus(STALE_TTL).plusSeconds(1));
    cache.cleanUp();

    assertNull(cache.stale(ACME));
    assertEquals(0, cache.size());
  }

  @Test
  void fresh_notFoundPastNegativeTtl_isGone() {
    store(ACME, notFound("us-east", "acme", 0));
    assertEquals(404, cache.fresh(ACME).status());

    ticker.advance(NEGATIVE_TTL.plusMillis(1));

    assertNull(cache.fresh(ACME));
    assertNull(cache.stale(ACME));
  }

  @Test
  void settle_zeroNegativeTtl_neverStoresNotFound() {
    cache = cache(Duration.ZERO);

    Served served = store(ACME, notFound("us-east", "acme", 0));

    assertEquals(404, served.answer().status());
    assertNull(cache.fresh(ACME));
  }

  @Test
  void settle_olderThanCached_keepsAndAnswersCached() {
    store(ACME, value("us-east", "acme", 5));
    ticker.advance(TTL.plusSeconds(1)); // past ttl: a read would fetch again

    Served served = store(ACME, value("eu-west", "acme", 4));

    assertEquals(5, served.answer().version());
    assertEquals(Read.STALE, served.outcome());
    assertEquals(5, cache.stale(ACME).version());
  }

  @Test
  void settle_newerThanCached_replacesIt() {
    store(ACME, value("us-east", "acme", 5));

    Served served = store(ACME, value("eu-west", "acme", 6));

    assertEquals(6, served.answer().version());
    assertEquals(6, cache.fresh(ACME).version());
    assertEquals("eu-west", cache.fresh(ACME).servedBy());
  }

  @Test
  void settle_forbidden_isAnsweredButNeverStored() {
    Served served = store(ACME, problem("us-east", 403, "acme"));

    assertEquals(403, served.answer().status());
    assertNull(cache.fresh(ACME));
    assertEquals(0, cache.size());
  }

  @Test
  void apply_newerInvalidation_dropsTenantAndHostEntries() {
    store(ACME, value("us-east", "acme", 5));
    store(ACME_HOST, value("us-east", "acme", 5));

    InvalidationOutcome outcome = cache.apply(invalidation("acme", "jira", 6, "acme.example.net"));

    assertEquals(InvalidationOutcome.APPLIED, outcome);
    assertNull(cache.fresh(ACME));
    assertNull(cache.fresh(ACME_HOST));
  }

  @Test
  void apply_olderOrEqualInvalidation_keepsEntry() {
    store(ACME, value("us-east", "acme", 5));

    assertEquals(InvalidationOutcome.IGNORED, cache.apply(invalidation("acme", "jira", 4)));
    assertEquals(InvalidationOutcome.IGNORED, cache.apply(invalidation("acme", "jira", 5)));

    assertEquals(5, cache.fresh(ACME).version());
  }

  @Test
  void apply_sameVersionHigherRevision_dropsEntry() {
    store(ACME, value("us-east", "acme", 5, 1));

    InvalidationOutcome outcome = cache.apply(invalidation("acme", "jira", 5), 2); // views.yaml changed, rebuilt

    assertEquals(InvalidationOutcome.APPLIED, outcome);
    assertNull(cache.fresh(ACME));
  }

  @Test
  void settle_sameVersionOlderRevisionAfterRebuild_isNotStored() {
    store(ACME, value("us-east", "acme", 5, 1));
    cache.apply(invalidation("acme", "jira", 5), 2);

    Served lagging = store(ACME, value("eu-west", "acme", 5, 1));
    Served rebuilt = store(ACME, value("us-east", "acme", 5, 2));

    assertEquals(1, lagging.answer().revision()); // what the application already saw
    assertEquals(2, rebuilt.answer().revision());
    assertEquals(2, cache.fresh(ACME).revision());
  }

  @Test
  void settle_unknownRevisions_compareByVersionOnly() {
    store(ACME, value("us-east", "acme", 5, 2));

    Served served = store(ACME, value("eu-west", "acme", 5));

    assertEquals(Read.MISS, served.outcome());
    assertEquals(5, cache.fresh(ACME).version());
  }

  @Test
  void apply_otherConsumersInvalidation_keepsThisConsumersEntry() {
    ReadKey ingress = ReadKey.tenant("acme", "network-ingress");
    store(ACME, value("us-east", "acme", 5));
    store(ingress, value("us-east", "acme", 5));

    cache.apply(invalidation("acme", "network-ingress", 6));

    assertEquals(5, cache.fresh(ACME).version());
    assertNull(cache.fresh(ingress));
  }

  @Test
  void apply_consumerThatNeverRead_isIgnored() {
    assertEquals(InvalidationOutcome.IGNORED, cache.apply(invalidation("acme", "billing", 6)));
  }

  @Test
  void apply_hostTheTenantLost_isDroppedThoughNotNamed() {
    store(ACME_HOST, value("us-east", "acme", 5));

    cache.apply(invalidation("acme", "jira", 6, "acme.example.org"));

    assertNull(cache.fresh(ACME_HOST));
  }

  @Test
  void apply_hostOfAnotherTenant_isKept() {
    store(ACME_HOST, value("us-east", "globex", 2));

    cache.apply(invalidation("acme", "jira", 6, "acme.example.net"));

    assertEquals("globex", cache.fresh(ACME_HOST).tenantId());
  }

  @Test
  void apply_unknownHostRemembered_isDroppedWhenNamed() {
    store(ACME_HOST, notFound("us-east", null, 0));

    cache.apply(invalidation("acme", "jira", 1, "acme.example.net"));

    assertNull(cache.fresh(ACME_HOST));
  }

  @Test
  void settle_loadStartedBeforeNewerInvalidation_answersButDoesNotStoreOlder() {
    store(ACME, value("us-east", "acme", 5));
    long epoch = cache.epoch();
    cache.apply(invalidation("acme", "jira", 6)); // arrives while a read of version 5 is in flight

    Served served = cache.settle(ACME, value("eu-west", "acme", 5), epoch);

    assertEquals(5, served.answer().version()); // what the application already saw: not backwards
    assertNull(cache.fresh(ACME));
    assertEquals(5, cache.stale(ACME).version(), "only the superseded value, kept as a last resort");
  }

  @Test
  void settle_olderThanAlreadyAnswered_isRefused() {
    cache = dropSuperseded();
    store(ACME, value("us-east", "acme", 5));
    cache.apply(invalidation("acme", "jira", 6));

    Served served = store(ACME, value("ap-south", "acme", 4));

    assertNull(served);
    assertNull(cache.fresh(ACME));
    assertNull(cache.stale(ACME));
  }

  @Test
  void settle_olderThanAlreadyAnswered_answersTheSupersededValueStale() {
    store(ACME, value("us-east", "acme", 5));
    cache.apply(invalidation("acme", "jira", 6));

    Served served = store(ACME, value("ap-south", "acme", 4));

    assertEquals(5, served.answer().version());
    assertEquals(Read.STALE, served.outcome());
    assertNull(cache.fresh(ACME));
  }

  @Test
  void apply_newerVersion_keepsTheTenantValueAsLastResortOnly_andDropsHostKeys() {
    store(ACME, value("us-east", "acme", 5));
    store(ACME_HOST, value("us-east", "acme", 5));

    cache.apply(invalidation("acme", "jira", 6));

    assertNull(cache.fresh(ACME));
    assertNull(cache.freshHit(ACME), "the fast path never serves it");
    assertEquals(5, cache.stale(ACME).version());
    assertNull(cache.stale(ACME_HOST), "a host may have moved to another tenant");
    assertEquals(6, store(ACME, value("us-east", "acme", 6)).answer().version());
    assertEquals(6, cache.fresh(ACME).version(), "the next region answer replaces it");
  }

  @Test
  void apply_refreshStarted_supersededValueStaysFreshForTheGraceOnly() {
    List<ReadKey> started = new ArrayList<>();
    cache.onInvalidated(new ViewCache.Refresher() {
      @Override
      public boolean reserve(ReadKey key) {
        return true;
      }

      @Override
      public void start(ReadKey key) {
        started.add(key);
      }
    });
    store(ACME, value("us-east", "acme", 5));
    store(ACME_HOST, value("us-east", "acme", 5));

    cache.apply(invalidation("acme", "jira", 6));

    assertEquals(List.of(ACME, ACME_HOST), started);
    assertEquals(5, cache.fresh(ACME).version(), "answers as before the message while its refresh runs");
    assertTrue(cache.freshHit(ACME).superseded());
    assertFalse(cache.holdsCurrent(ACME));
    assertNull(cache.fresh(ACME_HOST), "host keys get no grace");
    ticker.advance(Duration.ofMillis(500));
    assertNull(cache.fresh(ACME), "past the grace");
    assertEquals(5, cache.stale(ACME).version());
  }

  @Test
  void endGrace_refreshCouldNotLoad_supersededValueNoLongerFresh() {
    cache.onInvalidated(new ViewCache.Refresher() {
      @Override
      public boolean reserve(ReadKey key) {
        return true;
      }

      @Override
      public void start(ReadKey key) {}
    });
    store(ACME, value("us-east", "acme", 5));
    cache.apply(invalidation("acme", "jira", 6));
    assertEquals(5, cache.fresh(ACME).version());

    cache.endGrace(ACME);

    assertNull(cache.fresh(ACME));
    assertEquals(5, cache.stale(ACME).version());
  }

  @Test
  void apply_noRefreshStarted_noGrace() {
    store(ACME, value("us-east", "acme", 5));

    cache.apply(invalidation("acme", "jira", 6));

    assertNull(cache.fresh(ACME));
    assertEquals(5, cache.stale(ACME).version());
  }

  @Test
  void apply_keepSupersededOff_dropsTheTenantValue() {
    cache = dropSuperseded();
    store(ACME, value("us-east", "acme", 5));

    cache.apply(invalidation("acme", "jira", 6));

    assertNull(cache.stale(ACME));
  }

  private ViewCache dropSuperseded() {
    registry = new SimpleMeterRegistry();
    return new ViewCache(
        new SidecarConfig.Cache(1_000, TTL, NEGATIVE_TTL, STALE_TTL, true, 32, false, Duration.ZERO), ticker, Runnable::run, new SidecarMetrics(registry));
  }

  @Test
  void settle_versionOfTheInvalidation_isStored() {
    store(ACME, value("us-east", "acme", 5));
    cache.apply(invalidation("acme", "jira", 6));

    store(ACME, value("us-east", "acme", 6));

    assertEquals(6, cache.fresh(ACME).version());
  }

  @Test
  void settle_sameViewByTenantAndByHost_bodyHeldOnce() {
    store(ACME, value("us-east", "acme", 5));
    store(ACME_HOST, value("us-east", "acme", 5));
    assertSame(cache.fresh(ACME).body(), cache.fresh(ACME_HOST).body());

    ReadKey other = ReadKey.host("www.acme.example.net", "jira");
    store(other, value("us-east", "acme", 6));
    assertFalse(cache.fresh(ACME).body() == cache.fresh(other).body(), "another version keeps its own body");
    store(ACME, value("us-east", "acme", 6));
    assertSame(cache.fresh(other).body(), cache.fresh(ACME).body(), "a tenant read reuses a host key's equal body");
  }

  @Test
  void settle_hostReadOlderThanInvalidation_isNotStored() {
    store(ACME, value("us-east", "acme", 5));
    cache.apply(invalidation("acme", "jira", 6));

    store(ACME_HOST, value("eu-west", "acme", 5));

    assertNull(cache.fresh(ACME_HOST));
  }

  @Test
  void settle_unversionedNotFoundAfterInvalidation_isAnsweredNotStored() {
    cache.noteConsumer("jira");
    cache.apply(invalidation("acme", "jira", 1)); // tenant created; a lagging region does not know it yet

    Served served = store(ACME, notFound("eu-west", "acme", 0));

    assertEquals(404, served.answer().status());
    assertNull(cache.fresh(ACME));
  }

  @Test
  void settle_afterFlush_answersButDoesNotStore() {
    long epoch = cache.epoch();
    cache.flush(Flush.GAP);

    Served served = cache.settle(ACME, value("us-east", "acme", 5), epoch);

    assertEquals(5, served.answer().version());
    assertNull(cache.fresh(ACME));
    assertEquals(1.0, registry.get(SidecarMetrics.CACHE_FLUSHES).tag("reason", "gap").counter().count());
  }

  @Test
  void flush_anyEntries_emptiesCache() {
    store(ACME, value("us-east", "acme", 5));
    store(ACME_HOST, value("us-east", "acme", 5));

    cache.flush(Flush.RECONNECT);

    assertNull(cache.fresh(ACME));
    assertNull(cache.stale(ACME_HOST));
  }

  @Test
  void isBehind_olderThanCachedOrFloor_true() {
    store(ACME, value("us-east", "acme", 5));

    assertTrue(cache.isBehind(ACME, value("eu-west", "acme", 4)));
    assertFalse(cache.isBehind(ACME, value("eu-west", "acme", 5)));

    cache.apply(invalidation("acme", "jira", 7));

    assertTrue(cache.isBehind(ACME, value("eu-west", "acme", 6)));
    assertFalse(cache.isBehind(ACME, value("eu-west", "acme", 7)));
    assertTrue(cache.isBehind(ACME, notFound("eu-west", "acme", 0)));
  }

  @Test
  void settle_valueOfAnotherConsumer_neverAnswersThisConsumer() {
    store(ReadKey.tenant("acme", "network-ingress"), value("us-east", "acme", 5));

    assertNull(cache.fresh(ACME));
    assertNotNull(cache.fresh(ReadKey.tenant("acme", "network-ingress")));
  }

  @Test
  void settle_storedAnswer_isCountedByAdmission() {
    Served first = store(ACME, value("us-east", "acme", 5));
    store(ACME, value("us-east", "acme", 4));

    assertSame(Read.MISS, first.outcome());
    assertEquals(1.0, registry.get(SidecarMetrics.CACHE_ADMISSIONS).tag("outcome", "stored").counter().count());
    assertEquals(1.0, registry.get(SidecarMetrics.CACHE_ADMISSIONS).tag("outcome", "kept-newer").counter().count());
  }
}
