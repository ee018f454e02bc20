package dev.tcs.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.HazelcastInstance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class LocalInfraTest {

  /**
   * Runs start and close on a thread of a fresh thread group: every thread the servers start
   * from there belongs to that group, whatever other tests of this JVM keep running.
   */
  @Test
  void close_afterStart_leavesNoThreadAndNoDir() throws Exception {
    ThreadGroup group = new ThreadGroup("local-infra-test");
    LocalInfra infra = inGroup(group, () -> LocalInfra.start(List.of("region-a", "region-b")));
    Path kafkaDir = infra.kafka().baseDir();

    HazelcastInstance a = infra.hazelcastMember("region-a");
    assertSame(a, infra.hazelcastMember("region-a"));
    assertNotSame(a, infra.hazelcastMember("region-b"));
    assertEquals(List.of(EmbeddedHazelcast.address(a)), infra.hazelcastAddresses("region-a"));
    assertEquals("region-a", a.getConfig().getClusterName());
    HazelcastInstance c = inGroup(group, () -> infra.hazelcastMember("region-c"));
    assertEquals("region-c", c.getConfig().getClusterName());
    assertEquals(1, a.getCluster().getMembers().size());

    String running = names(nonDaemonThreads(group));
    assertTrue(running.contains("kafka") || running.contains("raft"), running);
    assertTrue(running.contains("qtp"), running);
    assertTrue(running.contains("hz."), running);

    inGroup(group, () -> {
      infra.close();
      return null;
    });
    infra.close();

    for (Thread thread : nonDaemonThreads(group)) {
      thread.join(10_000);
    }
    assertEquals("", names(nonDaemonThreads(group)), "non-daemon threads left after close");
    assertFalse(Files.exists(kafkaDir), "kafka dir left after close");
    assertThrows(IllegalStateException.class, () -> infra.hazelcastMember("region-d"));
  }

  private static <T> T inGroup(ThreadGroup group, Callable<T> action) throws Exception {
    FutureTask<T> task = new FutureTask<>(action);
    Thread thread = new Thread(group, task, "local-infra-test-caller");
    thread.start();
    return task.get();
  }

  private static List<Thread> nonDaemonThreads(ThreadGroup group) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getThreadGroup() == group && !t.isDaemon() && t.isAlive())
        .collect(Collectors.toList());
  }

  private static String names(List<Thread> threads) {
    return threads.stream().map(Thread::getName).sorted().collect(Collectors.joining(", "));
  }
}
