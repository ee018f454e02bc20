package dev.tcs.sidecar;

import dev.tcs.core.auth.AuthConfig;
import dev.tcs.core.config.ConfigException;
import dev.tcs.core.config.Settings;
import dev.tcs.core.http.Tls;
import dev.tcs.core.security.Hmac;
import dev.tcs.sidecar.lane.RoutingSettings;
import dev.tcs.sidecar.prefetch.PrefetchSettings;
import dev.tcs.sidecar.snapshot.SnapshotSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The sidecar's settings, read from {@code config/sidecar.yaml} (env prefix {@code TCS_SIDECAR}).
 *
 * <pre>
 * http:      {host: 127.0.0.1, port: 8090}
 * auth:      {public-key: ..., issuer: ..., audience: ...}   # read by the launcher (core AuthConfig)
 * sidecar:
 *   primary: us-east
 *   regions: {us-east: {url: http://127.0.0.1:8081}, eu-west: {url: ...}, ap-south: {url: ...}}
 *   request-timeout: 500ms
 *   max-in-flight-per-region: 256
 *   cache: {maximum-size: 100000, ttl: 1h, negative-ttl: 5s, stale-ttl: 1h, refresh-invalidated: true, refresh-concurrency: 32, keep-superseded: true, refresh-grace: 500ms}
 *   routing: {adaptive: true, eject-after: 5, eject-base: 1s, eject-max: 30s, lane-limit: adaptive, ...}  (RoutingSettings)
 *   snapshot: {path: ..., key: base64 AES-256, interval: 30s}  (SnapshotSettings; off when absent)
 *   prefetch: {tenants: [..], tenants-file: ..., token-file: ..., concurrency: 32}  (PrefetchSettings; off when no tenant is listed)
 * hazelcast: {cluster-name: tcs-us-east, members: [127.0.0.1:5701]}  # the launcher builds the client
 * </pre>
 *
 * @param http where the localhost read API listens
 * @param primary the region asked first on every miss (with {@code routing.adaptive}: until
 *     measurements say another is faster); one of {@code regions}
 * @param regions region name to base URL ({@code http://host:port[/prefix]}), in file order
 * @param requestTimeout how long one region may take to answer before its lane gives up
 * @param maxInFlightPerRegion requests one region lane holds at once; more are rejected at once
 * @param cache cache sizing and lifetimes
 * @param hazelcast the home region's cluster, for the launcher to build the invalidation client
 * @param routing how the primary is chosen and the lanes are bounded
 * @param snapshot the encrypted cache snapshot for warm restarts; empty when not configured
 * @param invalidationKey checks the seal of every invalidation from the home region ({@code auth.invalidation-key})
 * @param httpTls TLS of the read API ({@code http.tls}), off when absent
 * @param regionTls TLS towards the regions ({@code sidecar.tls})
 * @param prefetch tenants loaded into the cache at start, and the token that loads them; empty when not configured
 */
public record SidecarConfig(
    Http http,
    String primary,
    Map<String, URI> regions,
    Duration requestTimeout,
    int maxInFlightPerRegion,
    Cache cache,
    Hazelcast hazelcast,
    RoutingSettings routing,
    Optional<SnapshotSettings> snapshot,
    Hmac invalidationKey,
    Tls.Server httpTls,
    Tls.Client regionTls,
    Optional<PrefetchSettings> prefetch) {

  /** Region names: they become metric tags and header values. */
  public static final String REGION_RULE = "[a-z0-9][a-z0-9-]{0,30}";

  private static final Pattern REGION = Pattern.compile(REGION_RULE);
  private static final Pattern MEMBER = Pattern.compile("[A-Za-z0-9.-]+:\\d{1,5}");

  /**
   * @param host the interface to bind, 127.0.0.1 by default (the sidecar serves its own host only)
   * @param port the port, 8090 by default; 0 picks a free one
   */
  public record Http(String host, int port) {}

  /**
   * @param maximumSize most entries kept (values, 404s); the least useful go first
   * @param ttl how long a value is served from memory without asking a region (1h)
   * @param negativeTtl how long a region's 404 is remembered (5s); 0 never remembers one
   * @param staleTtl how long past {@code ttl} a value is kept to answer when no region answers
   *     (1h); 0 answers 503 instead
   * @param refreshInvalidated load a key an invalidation dropped again at once, in the background
   *     ({@code InvalidationRefresh}), so the next read of a written tenant is a hit (true)
   * @param refreshConcurrency most such loads at once (32)
   * @param keepSuperseded keep a tenant's value an invalidation superseded as the answer of last
   *     resort (stale, when no region answers, within {@code staleTtl}) instead of dropping it (true)
   * @param refreshGrace with {@code keepSuperseded} and a refresh started: how long the superseded
   *     value still answers as fresh while the newer one loads (500ms; 0 drops it at once)
   */
  public record Cache(
      long maximumSize,
      Duration ttl,
      Duration negativeTtl,
      Duration staleTtl,
      boolean refreshInvalidated,
      int refreshConcurrency,
      boolean keepSuperseded,
      Duration refreshGrace) {
    /** With the defaults of the refresh and the superseded values. */
    public Cache(long maximumSize, Duration ttl, Duration negativeTtl, Duration staleTtl) {
      this(maximumSize, ttl, negativeTtl, staleTtl, true, DEFAULT_REFRESH_CONCURRENCY, true, DEFAULT_REFRESH_GRACE);
    }
  }

  static final Duration DEFAULT_REFRESH_GRACE = Duration.ofMillis(500);

  static final int DEFAULT_REFRESH_CONCURRENCY = 32;

  /**
   * @param clusterName the home region's Hazelcast cluster, e.g. {@code tcs-us-east}
   * @param members {@code host:port} of its members
   */
  public record Hazelcast(String clusterName, List<String> members) {}

  public SidecarConfig {
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(primary, "primary");
    regions = Collections.unmodifiableMap(new LinkedHashMap<>(regions));
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    Objects.requireNonNull(cache, "cache");
    Objects.requireNonNull(hazelcast, "hazelcast");
    Objects.requireNonNull(routing, "routing");
    Objects.requireNonNull(snapshot, "snapshot");
    Objects.requireNonNull(prefetch, "prefetch");
  }

  /** The regions other than the primary, in file order. */
  public List<String> secondaries() {
    return regions.keySet().stream().filter(name -> !name.equals(primary)).toList();
  }

  /**
   * Reads and validates the whole sidecar file. Unknown keys, a primary that is not among the
   * regions, a URL that is not {@code http://host:port}, and out-of-range numbers or durations
   * stop start-up with a {@link ConfigException} naming the key.
   */
  public static SidecarConfig from(Settings root) {
    root.allowOnly("http", "auth", "sidecar", "hazelcast");
    AuthConfig.check(root.section("auth")); // the launcher reads the PEM files with AuthConfig.from
    Http http = readHttp(root.section("http"));
    Settings sidecar = root.section("sidecar").allowOnly("primary", "regions", "request-timeout", "max-in-flight-per-region", "cache", "routing", "snapshot", "tls", "prefetch");
    Map<String, URI> regions = readRegions(sidecar);
    String primary = sidecar.string("primary");
    if (!regions.containsKey(primary)) {
      throw new ConfigException(
          sidecar.key("primary") + " must name one of the regions " + regions.keySet() + ", but was '" + primary + "'");
    }
    Duration timeout = sidecar.duration("request-timeout", Duration.ofMillis(500));
    sidecar.check(!timeout.isZero() && timeout.compareTo(Duration.ofMinutes(1)) <= 0, "request-timeout", "must be more than 0 and at most 1m");
    int maxInFlight = sidecar.integer("max-in-flight-per-region", 1, 100_000, 256);
    Cache cache = readCache(sidecar.section("cache"));
    return new SidecarConfig(
        http,
        primary,
        regions,
        timeout,
        maxInFlight,
        cache,
        readHazelcast(root.section("hazelcast")),
        RoutingSettings.from(sidecar.section("routing"), maxInFlight),
        sidecar.has("snapshot") ? Optional.of(SnapshotSettings.from(sidecar.section("snapshot"))) : Optional.empty(),
        Hmac.fromConfig(root.section("auth"), "invalidation-key"),
        Tls.server(root.section("http")),
        Tls.client(sidecar.section("tls")),
        PrefetchSettings.from(sidecar.section("prefetch"), cache.maximumSize()));
  }

  private static Http readHttp(Settings http) {
    http.allowOnly("host", "port", "tls");
    return new Http(http.string("host", "127.0.0.1"), http.port("port", 8090));
  }

  private static Map<String, URI> readRegions(Settings sidecar) {
    Settings regions = sidecar.section("regions");
    if (regions.json().isEmpty()) {
      throw new ConfigException(sidecar.key("regions") + " must list at least one region, e.g. us-east: {url: http://127.0.0.1:8081}");
    }
    Map<String, URI> out = new LinkedHashMap<>();
    for (String name : regions.json().fieldNames()) {
      if (!REGION.matcher(name).matches()) {
        throw new ConfigException(regions.key(name) + " is not a region name: names must match " + REGION_RULE);
      }
      Settings region = regions.section(name).allowOnly("url");
      out.put(name, readUrl(region, "url"));
    }
    return out;
  }

  private static URI readUrl(Settings region, String key) {
    String text = region.string(key);
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      throw new ConfigException(region.key(key) + " must be a URL such as http://127.0.0.1:8081, but was '" + text + "'");
    }
    boolean ok =
        ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
            && uri.getHost() != null
            && uri.getPort() > 0
            && uri.getRawQuery() == null
            && uri.getRawFragment() == null
            && uri.getRawUserInfo() == null;
    if (!ok) {
      throw new ConfigException(
          region.key(key) + " must be http://host:port or https://host:port with an optional path prefix (no query), but was '" + text + "'");
    }
    return uri;
  }

  private static Cache readCache(Settings cache) {
    cache.allowOnly("maximum-size", "ttl", "negative-ttl", "stale-ttl", "refresh-invalidated", "refresh-concurrency", "keep-superseded", "refresh-grace");
    long maximumSize = cache.longValue("maximum-size", 1, 100_000_000, 100_000);
    Duration ttl = cache.duration("ttl", Duration.ofHours(1));
    cache.check(!ttl.isZero(), "ttl", "must be more than 0");
    Duration negativeTtl = cache.duration("negative-ttl", Duration.ofSeconds(5));
    cache.check(negativeTtl.compareTo(ttl) <= 0, "negative-ttl", "must be at most ttl (" + ttl + ")");
    Duration staleTtl = cache.duration("stale-ttl", Duration.ofHours(1));
    boolean refreshInvalidated = cache.bool("refresh-invalidated", true);
    int refreshConcurrency = cache.integer("refresh-concurrency", 1, 4096, DEFAULT_REFRESH_CONCURRENCY);
    boolean keepSuperseded = cache.bool("keep-superseded", true);
    Duration refreshGrace = cache.duration("refresh-grace", DEFAULT_REFRESH_GRACE);
    cache.check(refreshGrace.compareTo(Duration.ofSeconds(5)) <= 0, "refresh-grace", "must be at most 5s (a superseded value must not answer as fresh for long)");
    return new Cache(maximumSize, ttl, negativeTtl, staleTtl, refreshInvalidated, refreshConcurrency, keepSuperseded, refreshGrace);
  }

  private static Hazelcast readHazelcast(Settings hazelcast) {
    hazelcast.allowOnly("cluster-name", "members");
    String cluster = hazelcast.string("cluster-name");
    List<String> members = hazelcast.strings("members", List.of());
    if (members.isEmpty()) {
      throw new ConfigException(hazelcast.key("members") + " must list at least one member as host:port");
    }
    for (int i = 0; i < members.size(); i++) {
      String member = members.get(i);
      int port = MEMBER.matcher(member).matches() ? Integer.parseInt(member.substring(member.lastIndexOf(':') + 1)) : -1;
      if (port < 1 || port > 65535) {
        throw new ConfigException(hazelcast.key("members") + "[" + i + "] must be host:port, but was '" + member + "'");
      }
    }
    return new Hazelcast(cluster, members);
  }
}
