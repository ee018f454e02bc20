package dev.tcs.infra;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.cluster.Address;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts Hazelcast members and clients on 127.0.0.1 for one region each: every region of the
 * system is its own Hazelcast cluster, told apart by its cluster name.
 *
 * <p>Members bind 127.0.0.1 only, starting from a free port with auto-increment, and join by
 * TCP-IP to an explicit member list; multicast, cloud auto-detection, Jet, phone-home and the
 * JVM shutdown hook are off, and Hazelcast logs through SLF4J. Hazelcast's threads are not all
 * daemons: the caller must {@link HazelcastInstance#shutdown() shut down} every instance it
 * starts here, or the JVM does not exit.
 */
public final class EmbeddedHazelcast {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedHazelcast.class);

  /** Properties shared by members and clients. */
  private static final Map<String, String> PROPERTIES = Map.of(
      "hazelcast.phone.home.enabled", "false",
      "hazelcast.shutdownhook.enabled", "false",
      "hazelcast.logging.type", "slf4j");

  private static final int PORT_COUNT = 20;

  private EmbeddedHazelcast() {}

  /**
   * Starts a member of cluster {@code clusterName} that forms a cluster of its own (its TCP-IP
   * member list is just itself). Returns once the member runs (typically 1-2 s).
   *
   * @param clusterName the cluster, one per region; members and clients of other names never join it
   * @return the running member; the caller shuts it down
   */
  public static HazelcastInstance startMember(String clusterName) {
    int port = FreePorts.one();
    return startMember(clusterName, port, List.of(FreePorts.LOOPBACK + ":" + port));
  }

  /**
   * Starts a member of cluster {@code clusterName} that joins the members at {@code
   * memberAddresses} (each {@code host:port}, as returned by {@link #address}); it becomes the
   * first member if none of them answers.
   *
   * @param clusterName the cluster, one per region
   * @param memberAddresses the TCP-IP member list; the new member's own address may be absent
   * @return the running member; the caller shuts it down
   */
  public static HazelcastInstance startMember(String clusterName, List<String> memberAddresses) {
    return startMember(clusterName, FreePorts.one(), memberAddresses);
  }

  /**
   * Starts a client of cluster {@code clusterName} and returns once it is connected. While no
   * member answers it keeps retrying (Hazelcast's default: no connect timeout), so this call
   * blocks until one of {@code memberAddresses} runs.
   *
   * @param clusterName the cluster to connect to; members of another name refuse the client
   * @param memberAddresses where to find members, each {@code host:port}
   * @return the connected client; the caller shuts it down
   */
  public static HazelcastInstance startClient(String clusterName, List<String> memberAddresses) {
    requireClusterName(clusterName);
    if (memberAddresses.isEmpty()) {
      throw new IllegalArgumentException("memberAddresses must not be empty, cluster=" + clusterName);
    }
    ClientConfig config = new ClientConfig();
    config.setClusterName(clusterName);
    config.setInstanceName(instanceName(clusterName + "-client"));
    config.getNetworkConfig().setAddresses(new ArrayList<>(memberAddresses));
    PROPERTIES.forEach(config::setProperty);
    long started = System.nanoTime();
    HazelcastInstance client = HazelcastClient.newHazelcastClient(config);
    log.info("hazelcast client started cluster={} members={} tookMs={}",
        clusterName, memberAddresses, millisSince(started));
    return client;
  }

  /**
   * The address a member accepts members and clients on.
   *
   * @param member a running member started here
   * @return {@code host:port}, for example {@code 127.0.0.1:40123}
   */
  public static String address(HazelcastInstance member) {
    Address address = member.getCluster().getLocalMember().getAddress();
    return address.getHost() + ":" + address.getPort();
  }

  private static HazelcastInstance startMember(String clusterName, int port, List<String> memberAddresses) {
    requireClusterName(clusterName);
    Config config = new Config();
    config.setClusterName(clusterName);
    config.setInstanceName(instanceName(clusterName));
    PROPERTIES.forEach(config::setProperty);
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.getJetConfig().setEnabled(false);

    NetworkConfig network = config.getNetworkConfig();
    network.setPort(port).setPortAutoIncrement(true).setPortCount(PORT_COUNT);
    network.getInterfaces().setEnabled(true).setInterfaces(List.of(FreePorts.LOOPBACK));
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(new ArrayList<>(memberAddresses));

    long started = System.nanoTime();
    HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
    log.info("hazelcast member started cluster={} address={} clusterSize={} tookMs={}",
        clusterName, address(member), member.getCluster().getMembers().size(), millisSince(started));
    return member;
  }

  private static void requireClusterName(String clusterName) {
    Objects.requireNonNull(clusterName, "clusterName");
    if (clusterName.isBlank()) {
      throw new IllegalArgumentException("clusterName must not be blank, but was '" + clusterName + "'");
    }
  }

  /** A unique instance name; Hazelcast puts it in its thread names ({@code hz.<name>.*}). */
  private static String instanceName(String prefix) {
    return prefix + "-" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20, 1 << 25), 36);
  }

  private static long millisSince(long nanoTime) {
    return (System.nanoTime() - nanoTime) / 1_000_000;
  }
}
