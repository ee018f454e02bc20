package dev.tcs.infra;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DynamoDB Local in this JVM, in memory, telemetry off
 * ({@code -inMemory -port N -disableTelemetry}).
 *
 * <p>It accepts any region and any alphanumeric access key id. Its command line has no bind
 * address, so its Jetty server listens on the chosen port of every interface; {@link
 * #endpoint()} names 127.0.0.1. It writes no file: tables live in the heap and are lost by
 * {@link #stop()}.
 *
 * <p>Jetty's threads are not daemons: call {@link #close()}, or the JVM does not exit.
 *
 * <p>Thread-safe: lifecycle methods are synchronized.
 */
public final class EmbeddedDynamo implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedDynamo.class);

  private final int port;
  private DynamoDBProxyServer server;
  private boolean closed;

  private EmbeddedDynamo(int port) {
    this.port = port;
  }

  /**
   * Starts DynamoDB Local in memory on a free port and returns when it accepts requests
   * (typically 1-2 s).
   *
   * @return the running server
   * @throws IllegalStateException if the server cannot start; nothing is left running then
   */
  public static EmbeddedDynamo start() {
    EmbeddedDynamo dynamo = new EmbeddedDynamo(FreePorts.one());
    dynamo.startServer();
    return dynamo;
  }

  /** {@return the endpoint for the AWS SDK, {@code http://127.0.0.1:port}; the same across restarts} */
  public URI endpoint() {
    return URI.create("http://" + FreePorts.LOOPBACK + ":" + port);
  }

  /**
   * Stops the server and its Jetty threads. The port is kept for {@link #restart()}; every
   * table and item is lost. Does nothing if the server is already stopped.
   */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    DynamoDBProxyServer stopping = server;
    server = null;
    try {
      stopping.stop();
    } catch (Exception e) {
      throw new IllegalStateException("dynamodb local did not stop endpoint=" + endpoint(), e);
    }
    log.info("dynamodb stopped endpoint={}", endpoint());
  }

  /**
   * Stops the server if it is running and starts an empty one on the same port: clients keep
   * their endpoint, but every table must be created again.
   *
   * @throws IllegalStateException if the server was closed or cannot start again
   */
  public synchronized void restart() {
    if (closed) {
      throw new IllegalStateException("dynamodb local is closed endpoint=" + endpoint());
    }
    stop();
    startServer();
  }

  /** Stops the server and its threads. Safe to call more than once. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stop();
  }

  private synchronized void startServer() {
    long started = System.nanoTime();
    String[] args = {"-inMemory", "-port", Integer.toString(port), "-disableTelemetry"};
    DynamoDBProxyServer starting;
    try {
      starting = ServerRunner.createServerFromCommandLineArgs(args);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create dynamodb local endpoint=" + endpoint(), e);
    }
    try {
      // safeStart() throws when the port is taken; start() would print and swallow that.
      starting.safeStart();
    } catch (Exception e) {
      stopQuietly(starting);
      throw new IllegalStateException("dynamodb local did not start endpoint=" + endpoint(), e);
    }
    server = starting;
    log.info("dynamodb started endpoint={} tookMs={}", endpoint(), (System.nanoTime() - started) / 1_000_000);
  }

  private static void stopQuietly(DynamoDBProxyServer server) {
    try {
      server.stop();
    } catch (Exception e) {
      log.warn("dynamodb local stop after failed start failed reason={}", e.toString());
    }
  }
}
