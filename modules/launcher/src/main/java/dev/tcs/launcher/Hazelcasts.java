package dev.tcs.launcher;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.tcs.core.config.Settings;
import dev.tcs.core.security.HazelcastLockdown;
import java.util.List;

/**
 * Hazelcast for a real deployment, from a config section {@code hazelcast: {cluster-name, host,
 * port, members}}: each region's TCS nodes form one cluster over a TCP member list (no multicast,
 * no auto-detection, no phone-home, Jet off), each member bound to its configured {@code host}
 * only and refusing Java deserialization ({@link HazelcastLockdown}); a sidecar joins its home
 * region as a client.
 */
final class Hazelcasts {
  private Hazelcasts() {}

  static HazelcastInstance member(Settings hazelcast) {
    hazelcast.allowOnly("cluster-name", "host", "port", "members");
    Config config = new Config();
    config.setClusterName(hazelcast.string("cluster-name"));
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.getJetConfig().setEnabled(false);
    String host = hazelcast.string("host", "127.0.0.1");
    config.getNetworkConfig().setPort(hazelcast.port("port", 5701)).setPortAutoIncrement(false);
    HazelcastLockdown.member(config, host);
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(hazelcast.strings("members", List.of(host)));
    return Hazelcast.newHazelcastInstance(config);
  }

  static HazelcastInstance client(Settings hazelcast) {
    hazelcast.allowOnly("cluster-name", "host", "port", "members");
    ClientConfig config = new ClientConfig();
    config.setClusterName(hazelcast.string("cluster-name"));
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.getNetworkConfig().setAddresses(hazelcast.strings("members", List.of("127.0.0.1:5701")));
    config.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(Long.MAX_VALUE);
    return HazelcastClient.newHazelcastClient(HazelcastLockdown.client(config));
  }
}
