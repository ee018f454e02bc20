package dev.tcs.launcher;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.tcs.region.RegionConfig;
import dev.tcs.sidecar.SidecarConfig;

/**
 * Hazelcast for a real deployment, from the validated config records (never the raw section):
 * each region's TCS nodes form one cluster over a TCP member list (no multicast, no
 * auto-detection, no phone-home, Jet off); a sidecar joins its home region as a client.
 */
final class Hazelcasts {
  private Hazelcasts() {}

  /** A member of a region's cluster, as {@link RegionConfig#hazelcast()} says. */
  static HazelcastInstance member(RegionConfig.Hazelcast hazelcast) {
    Config config = new Config();
    config.setClusterName(hazelcast.clusterName());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.getJetConfig().setEnabled(false);
    config.getNetworkConfig().setPort(hazelcast.port()).setPortAutoIncrement(false);
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface(hazelcast.host());
    config.setProperty("hazelcast.local.localAddress", hazelcast.host());
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
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.getNetworkConfig().setAddresses(hazelcast.members());
    config.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(Long.MAX_VALUE);
    return HazelcastClient.newHazelcastClient(config);
  }
}
