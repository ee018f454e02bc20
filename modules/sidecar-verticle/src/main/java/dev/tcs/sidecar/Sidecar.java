package dev.tcs.sidecar;

import com.github.benmanes.caffeine.cache.Ticker;
import com.hazelcast.core.HazelcastInstance;
import dev.tcs.core.auth.Tokens;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;

/**
 * The sidecar's public face: a localhost read API identical to a region's, answered from a
 * long-lived cache kept current by the home region's invalidations, with misses sent to the
 * primary region and a random secondary at once, each region isolated in its own lane.
 */
public final class Sidecar {
  private Sidecar() {}

  /**
   * Deploys the sidecar (its lanes are child verticles: undeploying the returned id undeploys
   * everything and unsubscribes from invalidations).
   *
   * @param vertx the Vert.x instance
   * @param config the validated {@code config/sidecar.yaml}
   * @param homeRegionClient a Hazelcast client of the home region's cluster (built by the caller
   *     from {@link SidecarConfig#hazelcast()}); the sidecar never shuts it down
   * @param tokens verifies bearer tokens (the public key is enough)
   * @param registry where the sidecar's meters go
   * @param clock the time source of cache lifetimes: a system clock uses the monotonic system
   *     ticker, any other clock (tests) is read as is
   * @return the deployment id, once the read API listens
   */
  public static Future<String> deploy(
      Vertx vertx,
      SidecarConfig config,
      HazelcastInstance homeRegionClient,
      Tokens tokens,
      PrometheusMeterRegistry registry,
      Clock clock) {
    return vertx.deployVerticle(new SidecarVerticle(config, homeRegionClient, tokens, registry, tickerOf(clock), clock));
  }

  static Ticker tickerOf(Clock clock) {
    if (clock.getClass() == Clock.systemUTC().getClass()) {
      return Ticker.systemTicker();
    }
    return () -> {
      Instant now = clock.instant();
      return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    };
  }
}
