package dev.tcs.region;

import dev.tcs.core.auth.AuthConfig;
import dev.tcs.core.config.ConfigException;
import dev.tcs.core.config.Settings;
import dev.tcs.core.dynamo.DynamoSettings;
import dev.tcs.core.http.Tls;
import dev.tcs.core.log.KafkaSettings;
import dev.tcs.core.security.Hmac;
import dev.tcs.region.cache.CacheSettings;
import dev.tcs.region.chaos.ChaosSettings;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The whole of {@code config/region.yaml} (env prefix {@code TCS_REGION}), validated: every key
 * is checked where it is read and unknown keys stop start-up naming them.
 *
 * <pre>
 * http:      {host: 127.0.0.1, port: 8081, tls: {cert, key, client-ca}}   (core Tls; empty: h2c)
 * kafka:     {bootstrap-servers: ..., client-id, delivery-timeout, commit-interval}   (core KafkaSettings)
 * dynamodb:  {endpoint, region, max-connections}                                    (core DynamoSettings)
 * auth:      {public-key, issuer, audience, view-key, invalidation-key, ...}   kept as a section for core AuthConfig.from(auth, configDir)
 * region:
 *   name: us-east                 [a-z][a-z0-9-]{0,30}[a-z0-9]; names the table, the group and the region tag
 *   table-prefix: tcs-views       the table is &lt;table-prefix&gt;-&lt;name&gt;
 *   views-topic: tcs.views
 *   read-instances: 2             read verticles sharing one cache and one port
 *   cache: {maximum-size: 100000, expire-after-write: 10m, refresh-after-write: 1m, negative-ttl: 5s}
 *   invalidation: {queue-size: 10000, publish-timeout: 1s}
 * hazelcast: {cluster-name: tcs-us-east, host: 127.0.0.1, port: 5701, members: [127.0.0.1:5701]}  (the launcher starts the member from this record)
 * chaos:     {enabled: false}      true: /chaos takes faults from an admin token (the demo; never production)
 * </pre>
 *
 * @param auth the raw {@code auth} section (keys checked); the launcher reads the PEM files from it
 *     with {@code AuthConfig.from(auth, configDir)}, since paths resolve against the config directory
 * @param viewKey {@code auth.view-key}: only views tagged with it by the projector are ingested
 * @param invalidationKey {@code auth.invalidation-key}: invalidations are sealed with it, and only
 *     sealed ones are applied
 */
public record RegionConfig(
    String host,
    int port,
    KafkaSettings kafka,
    DynamoSettings dynamodb,
    Settings auth,
    String name,
    String tablePrefix,
    String viewsTopic,
    int readInstances,
    CacheSettings cache,
    Invalidations invalidation,
    Hazelcast hazelcast,
    ChaosSettings chaos,
    Tls.Server tls,
    Hmac viewKey,
    Hmac invalidationKey) {

  private static final Pattern REGION_NAME = Pattern.compile("[a-z][a-z0-9-]{0,30}[a-z0-9]");
  private static final Pattern TABLE_PREFIX = Pattern.compile("[a-zA-Z0-9_.-]{1,200}");
  private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
  private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9.-]+:\\d{1,5}");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]{1,253}");

  /**
   * How invalidations leave the region.
   *
   * @param queueSize invalidations waiting to be published; when full, new ones are dropped and counted
   * @param publishTimeout how long one publish to Hazelcast may take before it counts as failed
   */
  public record Invalidations(int queueSize, Duration publishTimeout) {}

  /**
   * The region's Hazelcast cluster, for the launcher that starts the member.
   *
   * @param clusterName one cluster per region, e.g. {@code tcs-us-east}
   * @param host the address the member binds to and announces
   * @param port the member's port
   * @param members the TCP-IP member list, {@code host:port} each
   */
  public record Hazelcast(String clusterName, String host, int port, List<String> members) {
    public Hazelcast {
      members = List.copyOf(members);
    }
  }

  /** Reads and validates the whole loaded file; {@code root} is the YAML document. */
  public static RegionConfig from(Settings root) {
    root.allowOnly("http", "kafka", "dynamodb", "auth", "region", "hazelcast", "chaos");
    Settings http = root.section("http").allowOnly("host", "port", "tls");
    Settings auth = AuthConfig.check(root.section("auth"));
    auth.string("public-key");
    Hmac viewKey = Hmac.fromConfig(auth, "view-key");
    Hmac invalidationKey = Hmac.fromConfig(auth, "invalidation-key");
    Settings region = root.section("region").allowOnly("name", "table-prefix", "views-topic", "read-instances", "cache", "invalidation");
    String name = region.string("name");
    region.check(REGION_NAME.matcher(name).matches(), "name", "must match " + REGION_NAME.pattern());
    String tablePrefix = region.string("table-prefix", "tcs-views");
    region.check(TABLE_PREFIX.matcher(tablePrefix).matches(), "table-prefix", "must match " + TABLE_PREFIX.pattern());
    String viewsTopic = region.string("views-topic", "tcs.views");
    region.check(TOPIC.matcher(viewsTopic).matches(), "views-topic", "must be a Kafka topic name matching " + TOPIC.pattern());
    return new RegionConfig(
        http.string("host", "127.0.0.1"),
        http.port("port", 8081),
        KafkaSettings.from(root.section("kafka")),
        DynamoSettings.from(root.section("dynamodb")),
        auth,
        name,
        tablePrefix,
        viewsTopic,
        region.integer("read-instances", 1, 64, 2),
        cache(region.section("cache")),
        invalidations(region.section("invalidation")),
        hazelcast(root.section("hazelcast"), name),
        ChaosSettings.from(root.section("chaos")),
        Tls.server(http),
        viewKey,
        invalidationKey);
  }

  /** The region's DynamoDB table. */
  public String table() {
    return RegionNames.table(tablePrefix, name);
  }

  /** The region's consumer group on the views topic. */
  public String ingestGroup() {
    return RegionNames.ingestGroup(name);
  }

  private static CacheSettings cache(Settings cache) {
    cache.allowOnly("maximum-size", "expire-after-write", "refresh-after-write", "negative-ttl");
    long maximumSize = cache.longValue("maximum-size", 1, 100_000_000, 100_000);
    Duration expire = cache.duration("expire-after-write", Duration.ofMinutes(10));
    cache.check(!expire.isZero(), "expire-after-write", "must be positive");
    Duration refresh = cache.duration("refresh-after-write", Duration.ofMinutes(1));
    cache.check(!refresh.isZero() && refresh.compareTo(expire) < 0, "refresh-after-write", "must be positive and shorter than expire-after-write (" + expire + ")");
    Duration negative = cache.duration("negative-ttl", Duration.ofSeconds(5));
    cache.check(negative.compareTo(expire) <= 0, "negative-ttl", "must not be longer than expire-after-write (" + expire + ")");
    return new CacheSettings(maximumSize, expire, refresh, negative);
  }

  private static Invalidations invalidations(Settings invalidation) {
    invalidation.allowOnly("queue-size", "publish-timeout");
    Duration timeout = invalidation.duration("publish-timeout", Duration.ofSeconds(1));
    invalidation.check(!timeout.isZero(), "publish-timeout", "must be positive");
    return new Invalidations(invalidation.integer("queue-size", 1, 10_000_000, 10_000), timeout);
  }

  private static Hazelcast hazelcast(Settings hazelcast, String region) {
    hazelcast.allowOnly("cluster-name", "host", "port", "members");
    String host = hazelcast.string("host", "127.0.0.1");
    hazelcast.check(HOST.matcher(host).matches(), "host", "must be a host name or IP address matching " + HOST.pattern());
    int port = hazelcast.port("port", 5701);
    List<String> members = hazelcast.strings("members", List.of(host + ":" + port));
    for (int i = 0; i < members.size(); i++) {
      String member = members.get(i);
      if (!HOST_PORT.matcher(member).matches() || Integer.parseInt(member.substring(member.lastIndexOf(':') + 1)) > 65535) {
        throw new ConfigException(hazelcast.key("members") + "[" + i + "] must be host:port, but was '" + member + "'");
      }
    }
    return new Hazelcast(hazelcast.string("cluster-name", "tcs-" + region), host, port, members);
  }
}
