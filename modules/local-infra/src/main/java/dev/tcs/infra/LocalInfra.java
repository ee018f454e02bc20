package dev.tcs.infra;

import com.hazelcast.core.HazelcastInstance;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All the infrastructure of the system in this JVM: one Kafka node, one DynamoDB Local and one
 * Hazelcast member per region cluster, all on 127.0.0.1.
 *
 * <p>{@link #start} starts them in parallel. {@link #close()} stops every one of them and
 * deletes Kafka's temporary directory; afterwards none of their threads remains, so the JVM
 * can exit normally. Hazelcast clients the caller started are not closed here.
 *
 * <p>Thread-safe.
 */
public final class LocalInfra implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalInfra.class);

  private final EmbeddedKafka kafka;
  private final EmbeddedDynamo dynamo;
  private final Map<String, HazelcastInstance> members;
  private boolean closed;

  private LocalInfra(EmbeddedKafka kafka, EmbeddedDynamo dynamo, Map<String, HazelcastInstance> members) {
    this.kafka = kafka;
    this.dynamo = dynamo;
    this.members = members;
  }

  /**
   * Starts Kafka, DynamoDB Local and one Hazelcast member for each cluster name, in parallel,
   * and returns when all of them accept requests. If any fails, the others are stopped before
   * the exception propagates.
   *
   * @param hazelcastClusters one name per region; may be empty (members can be added later
   *     with {@link #hazelcastMember})
   * @return the running infrastructure
   * @throws IllegalStateException if a part fails to start
   */
  public static LocalInfra start(List<String> hazelcastClusters) {
    List<String> clusters = List.copyOf(new LinkedHashSet<>(hazelcastClusters));
    long started = System.nanoTime();
    ExecutorService starter = Executors.newFixedThreadPool(2 + clusters.size(), starterThreads());
    try {
      CompletableFuture<EmbeddedKafka> kafka = CompletableFuture.supplyAsync(EmbeddedKafka::start, starter);
      CompletableFuture<EmbeddedDynamo> dynamo = CompletableFuture.supplyAsync(EmbeddedDynamo::start, starter);
      Map<String, CompletableFuture<HazelcastInstance>> members = new LinkedHashMap<>();
      for (String cluster : clusters) {
        members.put(cluster, CompletableFuture.supplyAsync(() -> EmbeddedHazelcast.startMember(cluster), starter));
      }
      List<CompletableFuture<?>> all = new ArrayList<>(members.values());
      all.add(kafka);
      all.add(dynamo);
      awaitAllOrCleanUp(all);

      Map<String, HazelcastInstance> running = new LinkedHashMap<>();
      members.forEach((cluster, member) -> running.put(cluster, member.join()));
      LocalInfra infra = new LocalInfra(kafka.join(), dynamo.join(), running);
      log.info("local infra started kafka={} dynamodb={} hazelcastClusters={} tookMs={}",
          infra.kafka.bootstrapServers(), infra.dynamo.endpoint(), clusters, millisSince(started));
      return infra;
    } finally {
      starter.shutdown();
    }
  }

  /** {@return the Kafka node} */
  public EmbeddedKafka kafka() {
    return kafka;
  }

  /** {@return the DynamoDB Local server} */
  public EmbeddedDynamo dynamo() {
    return dynamo;
  }

  /**
   * The member of cluster {@code cluster}, started now (1-2 s) if this infrastructure has none
   * yet; it is shut down by {@link #close()}.
   *
   * @param cluster the cluster name of a region
   * @return the running member
   * @throws IllegalStateException if this infrastructure is closed
   */
  public synchronized HazelcastInstance hazelcastMember(String cluster) {
    if (closed) {
      throw new IllegalStateException("local infra is closed, cluster=" + cluster);
    }
    return members.computeIfAbsent(cluster, EmbeddedHazelcast::startMember);
  }

  /**
   * The addresses of the members of cluster {@code cluster}, for a client's member list (see
   * {@link EmbeddedHazelcast#startClient}); starts the member as {@link #hazelcastMember} does
   * if there is none yet.
   *
   * @param cluster the cluster name of a region
   * @return one {@code host:port} per member
   * @throws IllegalStateException if this infrastructure is closed
   */
  public List<String> hazelcastAddresses(String cluster) {
    return List.of(EmbeddedHazelcast.address(hazelcastMember(cluster)));
  }

  /**
   * Shuts down the Hazelcast members, Kafka and DynamoDB Local, and deletes Kafka's directory.
   * Every part is stopped even if another fails; the first failure is thrown at the end. Safe
   * to call more than once.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    long started = System.nanoTime();
    List<Runnable> steps = new ArrayList<>();
    members.values().forEach(member -> steps.add(member::shutdown));
    steps.add(kafka::close);
    steps.add(dynamo::close);
    RuntimeException failure = runAll(steps);
    log.info("local infra closed hazelcastClusters={} tookMs={}", members.keySet(), millisSince(started));
    if (failure != null) {
      throw failure;
    }
  }

  /** Waits for every start; if one failed, closes those that succeeded and rethrows. */
  private static void awaitAllOrCleanUp(List<CompletableFuture<?>> starts) {
    try {
      CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
    } catch (CompletionException e) {
      List<Runnable> cleanUps = new ArrayList<>();
      for (CompletableFuture<?> start : starts) {
        if (!start.isCompletedExceptionally()) {
          cleanUps.add(() -> stopStarted(start.join()));
        }
      }
      runAll(cleanUps);
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException r ? r : new IllegalStateException("local infra did not start", cause);
    }
  }

  private static void stopStarted(Object part) {
    if (part instanceof HazelcastInstance member) {
      member.shutdown();
    } else if (part instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Runs every step; returns the first failure with the later ones suppressed, or null. */
  private static RuntimeException runAll(List<Runnable> steps) {
    RuntimeException failure = null;
    for (Runnable step : steps) {
      try {
        step.run();
      } catch (RuntimeException e) {
        log.warn("local infra stop step failed reason={}", e.toString());
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    return failure;
  }

  private static ThreadFactory starterThreads() {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      // Not a daemon: the threads the servers start from here inherit that, as they would from main.
      Thread thread = new Thread(runnable, "local-infra-start-" + count.incrementAndGet());
      thread.setDaemon(false);
      return thread;
    };
  }

  private static long millisSince(long nanoTime) {
    return (System.nanoTime() - nanoTime) / 1_000_000;
  }
}
