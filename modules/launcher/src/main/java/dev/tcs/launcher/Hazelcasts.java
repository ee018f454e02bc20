package dev.tcs.launcher;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.tcs.core.security.HazelcastLockdown;
import dev.tcs.region.RegionConfig;
import dev.tcs.sidecar.SidecarConfig;
import java.util.Map;

/**
 * Hazelcast for a real deployment, from the validated config records (never the raw section):
 * each region's TCS nodes form one cluster over a TCP member list (no multicast, no
 * auto-detection, no phone-home, Jet off), each member bound to its configured {@code host}
 * only and refusing Java deserialization ({@link HazelcastLockdown}); a sidecar joins its home
 * region as a client, refusing Java deserialization too.
 */
final class Hazelcasts {
  /** For members and clients alike: no phone-home, no JVM shutdown hook of its own, logs through SLF4J. */
  private static final Map<String, String> QUIET =
      Map.of("hazelcast.phone.home.enabled", "false", "hazelcast.shutdownhook.enabled", "false", "hazelcast.logging.type", "slf4j");

  private Hazelcasts() {}

  /** A member of a region's cluster, as {@link RegionConfig#hazelcast()} says. */
  static HazelcastInstance member(RegionConfig.Hazelcast hazelcast) {
    Config config = new Config();
    config.setClusterName(hazelcast.clusterName());
    QUIET.forEach(config::setProperty);
    config.getJetConfig().setEnabled(false);
    config.getNetworkConfig().setPort(hazelcast.port()).setPortAutoIncrement(false);
    HazelcastLockdown.member(config, hazelcast.host());
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(hazelcast.members());
    return Hazelcast.newHazelcastInstance(config);
  }

  /** A client of the sidecar's home region, as {@link SidecarConfig#hazelcast()} says. */
  static HazelcastInstance client(SidecarConfig.Hazelcast hazelcast) {
    ClientConfig config = new ClientConfig();
    config.setClusterName(hazelcast.clusterName());
    QUIET.forEach(config::setProperty);
    config.getNetworkConfig().setAddresses(hazelcast.members());
    config.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(Long.MAX_VALUE);
    return HazelcastClient.newHazelcastClient(HazelcastLockdown.client(config));
  }
}
