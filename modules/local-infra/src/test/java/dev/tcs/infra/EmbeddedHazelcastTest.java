package dev.tcs.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.HazelcastInstance;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EmbeddedHazelcastTest {

  @Test
  void reliableTopic_memberAndClientOfOneCluster_exchangeMessages() throws Exception {
    String cluster = TestNames.unique("region-a");
    HazelcastInstance member = EmbeddedHazelcast.startMember(cluster);
    try {
      String address = EmbeddedHazelcast.address(member);
      assertTrue(address.startsWith("127.0.0.1:"), address);
      HazelcastInstance client = EmbeddedHazelcast.startClient(cluster, List.of(address));
      try {
        String topic = TestNames.unique("invalidations");
        CompletableFuture<String> atClient = new CompletableFuture<>();
        CompletableFuture<String> atMember = new CompletableFuture<>();
        client.<String>getReliableTopic(topic).addMessageListener(m -> atClient.complete(m.getMessageObject()));
        member.<String>getReliableTopic(topic).addMessageListener(m -> atMember.complete(m.getMessageObject()));

        member.<String>getReliableTopic(topic).publish("from-member");
        assertEquals("from-member", atClient.get(10, TimeUnit.SECONDS));
        assertEquals("from-member", atMember.get(10, TimeUnit.SECONDS));
      } finally {
        client.shutdown();
      }
    } finally {
      member.shutdown();
    }
  }

  @Test
  void clusters_differentNames_doNotJoin() {
    HazelcastInstance a = EmbeddedHazelcast.startMember(TestNames.unique("region-a"));
    try {
      // b lists a's address as a member to join, but its cluster name differs.
      HazelcastInstance b = EmbeddedHazelcast.startMember(
          TestNames.unique("region-b"), List.of(EmbeddedHazelcast.address(a)));
      try {
        assertEquals(1, a.getCluster().getMembers().size());
        assertEquals(1, b.getCluster().getMembers().size());
        b.getMap("m").put("k", "v");
        assertEquals(1, b.getMap("m").size());
        assertEquals(0, a.getMap("m").size(), "a map of cluster b is not visible in cluster a");
      } finally {
        b.shutdown();
      }
    } finally {
      a.shutdown();
    }
  }
}
