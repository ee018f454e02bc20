package dev.tcs.region;

import com.hazelcast.core.HazelcastInstance;
import dev.tcs.core.auth.Tokens;
import dev.tcs.core.log.EventLog;
import dev.tcs.core.model.ViewDefinitions;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * Deploys one TCS region: ingest of {@code tcs.views} into the region's DynamoDB table,
 * invalidations on the region's Hazelcast topic, and the read API served from a Caffeine L1
 * cache. Everything is per deployment (cache, queue, threads, meters tagged {@code region}), so
 * several regions can run in one JVM.
 */
public final class Region {
  private Region() {}

  /**
   * Deploys the region and completes with the deployment id once the table exists, the read API
   * listens on {@code config.host():config.port()}, and the views topic is subscribed.
   * Undeploying that id stops all of it.
   *
   * @param views which consumers have a view (others get 403)
   * @param dynamo the shared async DynamoDB client
   * @param log the event log the views topic is read from
   * @param member a member (or client) of the region's Hazelcast cluster {@code tcs-<region>}
   * @param tokens verifies the readers' bearer tokens
   * @param registry where the region's meters go, each tagged {@code region=<name>}
   * @param clock the wall clock (ingest lag, item timestamps)
   */
  public static Future<String> deploy(
      Vertx vertx,
      RegionConfig config,
      ViewDefinitions views,
      DynamoDbAsyncClient dynamo,
      EventLog log,
      HazelcastInstance member,
      Tokens tokens,
      PrometheusMeterRegistry registry,
      Clock clock) {
    return vertx.deployVerticle(new RegionVerticle(config, views, dynamo, log, member, tokens, registry, clock));
  }
}
