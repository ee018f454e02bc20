package dev.tcs.sidecar.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.tcs.core.read.ReadKey;
import dev.tcs.sidecar.FakeTicker;
import dev.tcs.sidecar.SidecarConfig;
import dev.tcs.sidecar.SidecarMetrics;
import dev.tcs.sidecar.lane.RegionAnswer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a cached value holds once rather than per entry (the sidecar's memory with 100k views,
 * BENCHMARKS.md "Sidecar memory"). Every answer here is built from fresh string instances, as a
 * region's response headers are.
 */
class ViewCacheFootprintTest {
  private ViewCache cache;

  @BeforeEach
  void setUp() {
    cache = new ViewCache(
        new SidecarConfig.Cache(1_000, Duration.ofHours(1), Duration.ofSeconds(5), Duration.ofHours(1)),
        new FakeTicker(),
        Runnable::run,
        new SidecarMetrics(new SimpleMeterRegistry()));
    cache.noteConsumer("jira");
  }

  /** A 200 of {@code tenant} at version.revision 3.1 with the etag a region sends, every text a new instance. */
  private static RegionAnswer answer(String tenant) {
    Buffer body = Buffer.buffer("{\"tenantId\":\"" + tenant + "\"}");
    return new RegionAnswer("us-east", 200, 3, 1, copy(tenant), copy("\"3.1\""), copy("us-east"), copy("application/json"), body);
  }

  private static String copy(String text) {
    return new String(text.toCharArray());
  }

  private RegionAnswer store(ReadKey key, RegionAnswer answer) {
    cache.settle(key, answer, cache.epoch());
    return cache.fresh(key);
  }

  @Test
  void settle_valueByTenant_keepsTheKeysTenantIdAndAnUnsharedCopyOfTheBody() {
    ReadKey key = ReadKey.tenant(copy("acme"), "jira");
    RegionAnswer fetched = answer("acme");

    RegionAnswer kept = store(key, fetched);

    assertSame(key.id(), kept.tenantId());
    assertEquals(fetched.body(), kept.body());
    assertNotSame(fetched.body(), kept.body());
  }

  @Test
  void settle_twoTenantsAtOneStamp_shareTheirHeaderTexts() {
    RegionAnswer acme = store(ReadKey.tenant("acme", "jira"), answer("acme"));
    RegionAnswer globex = store(ReadKey.tenant("globex", "jira"), answer("globex"));

    assertSame(acme.etag(), globex.etag());
    assertSame(acme.servedBy(), globex.servedBy());
    assertSame(acme.contentType(), globex.contentType());
    assertSame(
        cache.freshHit(ReadKey.tenant("acme", "jira")).headers().etagText(),
        cache.freshHit(ReadKey.tenant("globex", "jira")).headers().etagText());
  }

  @Test
  void settle_hostOfACachedTenant_sharesItsBodyAndTenantId() {
    RegionAnswer byTenant = store(ReadKey.tenant("acme", "jira"), answer("acme"));

    RegionAnswer byHost = store(ReadKey.host("acme.example.net", "jira"), answer("acme"));

    assertSame(byTenant.body(), byHost.body());
    assertSame(byTenant.tenantId(), byHost.tenantId());
  }
}
