package dev.tcs.region;

import dev.tcs.core.model.Invalidation;

/** The names a region derives from its config: its table, its consumer group, its invalidation topic. */
final class RegionNames {
  /** The Hazelcast reliable topic of the region's cluster that carries invalidations. */
  public static final String INVALIDATION_TOPIC = Invalidation.TOPIC;

  private RegionNames() {}

  /** The region's DynamoDB table: {@code <table-prefix>-<region>}, e.g. {@code tcs-views-us-east}. */
  public static String table(String tablePrefix, String region) {
    return tablePrefix + "-" + region;
  }

  /** The consumer group that ingests views into the region: {@code tcs-ingest-<region>}. */
  public static String ingestGroup(String region) {
    return "tcs-ingest-" + region;
  }
}
