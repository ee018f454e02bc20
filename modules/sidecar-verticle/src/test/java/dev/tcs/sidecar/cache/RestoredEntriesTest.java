package dev.tcs.sidecar.cache;

import static dev.tcs.sidecar.TestAnswers.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.model.Invalidation;
import dev.tcs.core.read.ReadKey;
import dev.tcs.sidecar.FakeTicker;
import dev.tcs.sidecar.SidecarConfig;
import dev.tcs.sidecar.SidecarMetrics.InvalidationOutcome;
import dev.tcs.sidecar.SidecarMetrics.Read;
import dev.tcs.sidecar.SidecarMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Values put back from a snapshot: never fresh, answered stale with their age, replaced by the regions. */
class RestoredEntriesTest {
  private static final Duration TTL = Duration.ofHours(1);
  private static final Duration STALE_TTL = Duration.ofMinutes(30);
  private static final ReadKey ACME = ReadKey.tenant("acme", "jira");
  private static final ReadKey ACME_HOST = ReadKey.host("acme.example.net", "jira");

  private final FakeTicker ticker = new FakeTicker();
  private final ViewCache cache =
      new ViewCache(new SidecarConfig.Cache(1_000, TTL, Duration.ofSeconds(5), STALE_TTL), ticker, Runnable::run, new SidecarMetrics(new SimpleMeterRegistry()));

  @Test
  void restore_youngValue_isStaleNotFresh_withItsAge() {
    assertTrue(cache.restore(ACME, value("us-east", "acme", 4), Duration.ofSeconds(90).toNanos()));

    assertNull(cache.fresh(ACME), "a restored value missed invalidations: it must be revalidated");
    assertNull(cache.freshHit(ACME), "the read fast path never serves a restored value");
    assertEquals(4, cache.stale(ACME).version());
    assertEquals(Duration.ofSeconds(90).toNanos(), cache.ageNanos(ACME));
    ticker.advance(Duration.ofSeconds(10));
    assertEquals(Duration.ofSeconds(100).toNanos(), cache.ageNanos(ACME));
  }

  @Test
  void restore_valueOlderThanTtlPlusStaleTtl_isLeftOut() {
    assertFalse(cache.restore(ACME, value("us-east", "acme", 4), TTL.plus(STALE_TTL).toNanos()));
    assertNull(cache.stale(ACME));
  }

  @Test
  void restore_thenItsLifeRunsOut_fromWhenItWasFetched() {
    cache.restore(ACME, value("us-east", "acme", 4), TTL.toNanos());
    ticker.advance(STALE_TTL.plusSeconds(1));
    cache.cleanUp();

    assertNull(cache.stale(ACME));
  }

  @Test
  void settle_regionAnswersOlderThanRestored_keepsRestoredStale() {
    cache.restore(ACME, value("us-east", "acme", 4), 0);

    Served served = cache.settle(ACME, value("eu-west", "acme", 3), cache.epoch());

    assertEquals(4, served.answer().version(), "a version went backwards after a restart");
    assertEquals(Read.STALE, served.outcome());
    assertNull(cache.fresh(ACME));
  }

  @Test
  void settle_regionAnswersSameOrNewer_revalidatesToFresh() {
    cache.restore(ACME, value("us-east", "acme", 4), 0);
    cache.restore(ReadKey.tenant("globex", "jira"), value("us-east", "globex", 2), 0);

    Served same = cache.settle(ACME, value("eu-west", "acme", 4), cache.epoch());
    Served newer = cache.settle(ReadKey.tenant("globex", "jira"), value("eu-west", "globex", 5), cache.epoch());

    assertEquals(Read.MISS, same.outcome());
    assertEquals(4, cache.fresh(ACME).version());
    assertNotNull(cache.freshHit(ACME), "once a region confirmed it, the fast path serves it");
    assertEquals(5, newer.answer().version());
    assertEquals(5, cache.fresh(ReadKey.tenant("globex", "jira")).version());
  }

  @Test
  void apply_invalidationNewerThanRestored_dropsIt_andAnOlderRegionAnswerIsNotStored() {
    cache.restore(ACME, value("us-east", "acme", 4), 0);
    cache.restore(ACME_HOST, value("us-east", "acme", 4), 0);

    InvalidationOutcome outcome = cache.apply(new Invalidation("acme", "jira", List.of(), 6));
    Served lagging = cache.settle(ACME, value("eu-west", "acme", 4), cache.epoch());

    assertEquals(InvalidationOutcome.APPLIED, outcome);
    assertEquals(4, cache.stale(ACME).version(), "kept only as the last resort (keep-superseded)");
    assertNull(cache.stale(ACME_HOST), "the restored host entry was not indexed for its tenant");
    assertNotNull(lagging);
    assertNull(cache.fresh(ACME), "a value older than the invalidation was stored");
  }

  @Test
  void restore_whenCacheKnowsNewer_keepsTheNewer() {
    cache.noteConsumer("jira");
    cache.settle(ACME, value("us-east", "acme", 7), cache.epoch());

    assertFalse(cache.restore(ACME, value("us-east", "acme", 4), 0));
    assertEquals(7, cache.fresh(ACME).version());
  }

  @Test
  void values_listsValuesWithAges() {
    cache.noteConsumer("jira");
    cache.settle(ACME, value("us-east", "acme", 7), cache.epoch());
    ticker.advance(Duration.ofSeconds(3));

    List<ViewCache.Held> held = cache.values();

    assertEquals(1, held.size());
    assertEquals(ACME, held.get(0).key());
    assertEquals(Duration.ofSeconds(3).toNanos(), held.get(0).ageNanos());
  }
}
