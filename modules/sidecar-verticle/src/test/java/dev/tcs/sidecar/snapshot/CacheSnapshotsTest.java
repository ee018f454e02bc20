package dev.tcs.sidecar.snapshot;

import static dev.tcs.sidecar.TestAnswers.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.read.ReadKey;
import dev.tcs.sidecar.FakeTicker;
import dev.tcs.sidecar.SidecarConfig;
import dev.tcs.sidecar.SidecarMetrics;
import dev.tcs.sidecar.cache.ViewCache;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The snapshot file between two caches, on a Vert.x worker, with time moved by hand. */
class CacheSnapshotsTest {
  private static final ReadKey ACME = ReadKey.tenant("acme", "jira");
  private static final ReadKey GLOBEX_HOST = ReadKey.host("globex.example.net", "network-ingress");

  @TempDir Path dir;
  private final Vertx vertx = Vertx.vertx();
  private final FakeTicker ticker = new FakeTicker();
  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T12:00:00Z"));
  private final Clock clock = new Clock() {
    @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(java.time.ZoneId zone) { return this; }
    @Override public Instant instant() { return now.get(); }
  };

  @AfterEach
  void close() throws Exception {
    await(vertx.close());
  }

  private ViewCache cache() {
    return new ViewCache(
        new SidecarConfig.Cache(1_000, Duration.ofHours(1), Duration.ofSeconds(5), Duration.ofHours(1)), ticker, Runnable::run,
        new SidecarMetrics(new SimpleMeterRegistry()));
  }

  private SnapshotSettings settings(int keySeed) {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) keySeed);
    return new SnapshotSettings(dir.resolve("state/sidecar.snapshot"), new SecretKeySpec(key, "AES"), Duration.ofSeconds(30));
  }

  @Test
  void restore_whatStopWrote_givesStaleValuesWithTheirAge() throws Exception {
    ViewCache before = cache();
    before.noteConsumer("jira");
    before.noteConsumer("network-ingress");
    before.settle(ACME, value("us-east", "acme", 7), before.epoch());
    ticker.advance(Duration.ofSeconds(20));
    before.settle(GLOBEX_HOST, value("eu-west", "globex", 2), before.epoch());
    await(new CacheSnapshots(vertx, settings(1), before, clock).stop());

    now.set(now.get().plusSeconds(100)); // the sidecar was down 100 s
    ViewCache after = cache();
    int restored = await(new CacheSnapshots(vertx, settings(1), after, clock).restore());

    assertEquals(2, restored);
    assertNull(after.fresh(ACME));
    assertEquals(7, after.stale(ACME).version());
    assertEquals(2, after.stale(GLOBEX_HOST).version());
    assertEquals(120, TimeUnit.NANOSECONDS.toSeconds(after.ageNanos(ACME)));
    assertEquals(100, TimeUnit.NANOSECONDS.toSeconds(after.ageNanos(GLOBEX_HOST)));
    assertArrayEquals(before.stale(ACME).body().getBytes(), after.stale(ACME).body().getBytes());
  }

  @Test
  void restore_noFile_startsEmpty() throws Exception {
    ViewCache cache = cache();
    assertEquals(0, await(new CacheSnapshots(vertx, settings(1), cache, clock).restore()));
    assertEquals(List.of(), cache.values());
  }

  @Test
  void restore_otherKeyOrGarbage_isIgnoredWholly() throws Exception {
    ViewCache before = cache();
    before.noteConsumer("jira");
    before.settle(ACME, value("us-east", "acme", 7), before.epoch());
    await(new CacheSnapshots(vertx, settings(1), before, clock).write());
    Path file = settings(1).path();
    assertTrue(Files.size(file) > 0);

    ViewCache withOtherKey = cache();
    assertEquals(0, await(new CacheSnapshots(vertx, settings(2), withOtherKey, clock).restore()));
    assertNull(withOtherKey.stale(ACME));

    Files.write(file, Arrays.copyOf(Files.readAllBytes(file), 40));
    ViewCache fromTruncated = cache();
    assertEquals(0, await(new CacheSnapshots(vertx, settings(1), fromTruncated, clock).restore()));
    assertNull(fromTruncated.stale(ACME));
  }

  @Test
  void write_replacesTheFileAndLeavesNoTempFile() throws Exception {
    ViewCache cache = cache();
    cache.noteConsumer("jira");
    CacheSnapshots snapshots = new CacheSnapshots(vertx, settings(1), cache, clock);
    await(snapshots.write());
    cache.settle(ACME, value("us-east", "acme", 8), cache.epoch());
    await(snapshots.write());

    try (var files = Files.list(settings(1).path().getParent())) {
      assertEquals(List.of("sidecar.snapshot"), files.map(p -> p.getFileName().toString()).toList());
    }
    ViewCache after = cache();
    assertEquals(1, await(new CacheSnapshots(vertx, settings(1), after, clock).restore()));
    assertEquals(8, after.stale(ACME).version());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
  }
}
