package dev.tcs.infra;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka node in this JVM, broker and KRaft controller combined (node id 1), listening on
 * 127.0.0.1.
 *
 * <p>{@link #start()} formats a new temporary log directory and starts the node on two free
 * ports (client listener and controller listener). Topics are created automatically on first
 * use with 4 partitions; every replication factor and minimum in-sync replica count is 1, so
 * idempotent and {@code acks=all} producers work. Consumer groups rebalance without the
 * initial delay.
 *
 * <p>{@link #stop()} and {@link #restart()} simulate a broker outage: the ports, the cluster id
 * and the data survive, so clients configured with {@link #bootstrapServers()} reconnect by
 * themselves. {@link #close()} stops the node and deletes its directory; afterwards no Kafka
 * thread and no file of it remains.
 *
 * <p>A fatal fault inside the broker makes Kafka halt the JVM, as the real server does; this
 * class installs no handler against that.
 *
 * <p>Thread-safe: lifecycle methods are synchronized.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final int NODE_ID = 1;
  private static final String CONTROLLER_LISTENER = "CONTROLLER";

  private final Path baseDir;
  private final int brokerPort;
  private final int controllerPort;
  private final Properties config;
  private KafkaRaftServer server;
  private boolean closed;

  private EmbeddedKafka(Path baseDir, int brokerPort, int controllerPort) {
    this.baseDir = baseDir;
    this.brokerPort = brokerPort;
    this.controllerPort = controllerPort;
    this.config = brokerConfig(baseDir.resolve("data"), brokerPort, controllerPort);
  }

  /**
   * Formats a new temporary log directory and starts the node on free ports of 127.0.0.1.
   * Returns when the broker is registered, unfenced and accepts requests (typically 1.5-3 s).
   * If starting fails, the node is stopped and the directory deleted before the exception
   * propagates.
   *
   * @return the running node
   * @throws IllegalStateException if formatting or starting the node fails
   */
  public static EmbeddedKafka start() {
    List<Integer> ports = FreePorts.distinct(2);
    EmbeddedKafka kafka = new EmbeddedKafka(TempDirs.create("tcs-kafka-"), ports.get(0), ports.get(1));
    try {
      kafka.format();
      kafka.startServer();
      return kafka;
    } catch (RuntimeException | Error e) {
      kafka.close();
      throw e;
    }
  }

  /** {@return the client bootstrap address, {@code 127.0.0.1:port}; the same across {@link #restart()}} */
  public String bootstrapServers() {
    return FreePorts.LOOPBACK + ":" + brokerPort;
  }

  /**
   * Shuts the node down and waits until its threads have ended. The log directory and the
   * ports are kept for {@link #restart()}. Does nothing if the node is already stopped.
   */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    long started = System.nanoTime();
    KafkaRaftServer stopping = server;
    server = null;
    stopping.shutdown();
    stopping.awaitShutdown();
    log.info("kafka stopped bootstrap={} tookMs={}", bootstrapServers(), millisSince(started));
  }

  /**
   * Stops the node if it is running, then starts it again on the same ports with the same log
   * directory: topics, records and committed offsets are still there. Returns when the broker
   * accepts requests again.
   *
   * @throws IllegalStateException if the node was closed, or if it cannot be started again
   *     (for example because another process took its port in the meantime)
   */
  public synchronized void restart() {
    if (closed) {
      throw new IllegalStateException("kafka is closed bootstrap=" + bootstrapServers());
    }
    stop();
    startServer();
  }

  /** Stops the node and deletes its temporary directory. Safe to call more than once. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      stop();
    } finally {
      TempDirs.deleteRecursively(baseDir);
    }
  }

  /** The temporary directory holding the log and metadata directories; for tests. */
  Path baseDir() {
    return baseDir;
  }

  private void format() {
    Path dataDir = baseDir.resolve("data");
    try {
      new Formatter()
          .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
          .setNodeId(NODE_ID)
          .setClusterId(Uuid.randomUuid().toString())
          .setDirectories(List.of(dataDir.toString()))
          .setMetadataLogDirectory(dataDir.toString())
          .setControllerListenerName(CONTROLLER_LISTENER)
          .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
          .run();
    } catch (Exception e) {
      throw new IllegalStateException("cannot format kafka log dir=" + dataDir, e);
    }
  }

  private synchronized void startServer() {
    long started = System.nanoTime();
    KafkaRaftServer starting = new KafkaRaftServer(KafkaConfig.fromProps(config, false), Time.SYSTEM);
    try {
      starting.startup();
    } catch (RuntimeException e) {
      starting.shutdown();
      starting.awaitShutdown();
      throw new IllegalStateException("kafka did not start bootstrap=" + bootstrapServers(), e);
    }
    server = starting;
    log.info("kafka started bootstrap={} controllerPort={} dir={} tookMs={}",
        bootstrapServers(), controllerPort, baseDir, millisSince(started));
  }

  private static Properties brokerConfig(Path dataDir, int brokerPort, int controllerPort) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(NODE_ID));
    p.put("controller.quorum.voters", NODE_ID + "@" + FreePorts.LOOPBACK + ":" + controllerPort);
    p.put("listeners", "PLAINTEXT://" + FreePorts.LOOPBACK + ":" + brokerPort
        + "," + CONTROLLER_LISTENER + "://" + FreePorts.LOOPBACK + ":" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://" + FreePorts.LOOPBACK + ":" + brokerPort);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
    p.put("controller.listener.names", CONTROLLER_LISTENER);
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", dataDir.toString());
    p.put("metadata.log.dir", dataDir.toString());
    // One node: every replication factor and ISR minimum is 1.
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    p.put("offsets.topic.replication.factor", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    // Small internal topics create quickly; 4 partitions per auto-created topic.
    p.put("auto.create.topics.enable", "true");
    p.put("num.partitions", "4");
    p.put("offsets.topic.num.partitions", "4");
    p.put("transaction.state.log.num.partitions", "4");
    p.put("share.coordinator.state.topic.num.partitions", "4");
    p.put("group.initial.rebalance.delay.ms", "0");
    // The default dedupe buffer takes 128 MB of heap.
    p.put("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
    // The controller unfences a new broker on its next heartbeat: do not wait the default 2 s.
    p.put("broker.heartbeat.interval.ms", "250");
    // Fewer threads than a production broker: this runs on a laptop or a 2-core CI box.
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "4");
    p.put("background.threads", "4");
    return p;
  }

  private static long millisSince(long nanoTime) {
    return (System.nanoTime() - nanoTime) / 1_000_000;
  }
}
