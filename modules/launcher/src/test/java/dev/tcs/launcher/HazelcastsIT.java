package dev.tcs.launcher;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.ITopic;
import dev.tcs.region.RegionConfig;
import dev.tcs.infra.TestNames;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A region's Hazelcast member as {@code tcs run region} starts it: bound to its host only, deserializing nothing but strings. */
class HazelcastsIT {
  private static final String HOST = "127.0.0.1";
  private static HazelcastInstance member;
  private static int port;
  private static String cluster;

  /** Set if a peer's object was ever deserialized here. */
  static final AtomicBoolean deserialized = new AtomicBoolean();

  /** What an attacker publishes: a Java-serialized object whose readObject runs code. */
  record Gadget(String payload) implements Serializable {
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      deserialized.set(true);
      in.defaultReadObject();
    }
  }

  @BeforeAll
  static void startMember() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      port = socket.getLocalPort();
    }
    cluster = TestNames.unique("hz-lockdown");
    member =
        Hazelcasts.member(new RegionConfig.Hazelcast(cluster, HOST, port, List.of(HOST + ":" + port)));
  }

  @AfterAll
  static void stopMember() {
    if (member != null) {
      member.shutdown();
    }
  }

  /** Regression: the member listened on every interface, so anyone on the network reached it. */
  @Test
  void member_listensOnItsHostOnly() throws Exception {
    InetAddress other = nonLoopbackAddress();
    assumeTrue(other != null, "this machine has no non-loopback IPv4 address to probe");
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(HOST, port), 2_000);
    }
    assertThrows(IOException.class, () -> {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(other, port), 2_000);
      }
    }, "port " + port + " must not answer on " + other);
  }

  /** Regression: members deserialized whatever peers sent, a Java-serialization gadget included. */
  @Test
  void member_neverDeserializesJavaObjectsFromPeers() {
    ClientConfig config = new ClientConfig().setClusterName(cluster);
    config.getNetworkConfig().addAddress(HOST + ":" + port);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    HazelcastInstance attacker = HazelcastClient.newHazelcastClient(config);
    try {
      List<Object> received = new CopyOnWriteArrayList<>();
      ITopic<Object> topic = member.getReliableTopic("tcs.invalidations");
      topic.addMessageListener(
          new com.hazelcast.topic.ReliableMessageListener<Object>() {
            @Override
            public void onMessage(com.hazelcast.topic.Message<Object> message) {
              received.add(message.getMessageObject());
            }

            @Override
            public long retrieveInitialSequence() {
              return -1;
            }

            @Override
            public void storeSequence(long sequence) {}

            @Override
            public boolean isLossTolerant() {
              return true;
            }

            @Override
            public boolean isTerminal(Throwable failure) {
              return false; // as the service's listeners: a message that cannot be read is skipped
            }
          });
      ITopic<Object> attackers = attacker.getReliableTopic("tcs.invalidations");
      attackers.publish(new Gadget("boom"));
      attackers.publish("a plain string still arrives");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!received.contains("a plain string still arrives") && System.nanoTime() < deadline) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      }
      assertTrue(received.contains("a plain string still arrives"), "strings are delivered: " + received);
      assertFalse(deserialized.get(), "the gadget's readObject ran on the member");
      assertFalse(received.stream().anyMatch(Gadget.class::isInstance));
    } finally {
      attacker.shutdown();
    }
  }

  private static InetAddress nonLoopbackAddress() throws IOException {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
          return address;
        }
      }
    }
    return null;
  }
}
