package dev.tcs.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds TCP ports on 127.0.0.1 that are free at the moment of asking.
 *
 * <p>The ports are released before they are returned, so another process may take one before
 * the caller binds it; on a test machine that race is rare enough to accept. Within one JVM a port
 * is never handed out twice: two servers of one Vert.x instance given the same port would share it
 * and answer each other's requests (two demo regions did, once).
 */
public final class FreePorts {

  static final String LOOPBACK = "127.0.0.1";
  private static final int ATTEMPTS_PER_PORT = 64;
  private static final Set<Integer> handedOut = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  /** Returns one port that is free on 127.0.0.1. */
  public static int one() {
    return distinct(1).get(0);
  }

  /** Returns {@code count} distinct ports that are free on 127.0.0.1, all held open while chosen. */
  public static List<Integer> distinct(int count) {
    List<ServerSocket> held = new ArrayList<>(count);
    try {
      List<Integer> ports = new ArrayList<>(count);
      for (int attempt = 0; ports.size() < count; attempt++) {
        if (attempt >= count * ATTEMPTS_PER_PORT) {
          throw new IllegalStateException("no port on " + LOOPBACK + " that this JVM has not handed out already");
        }
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK));
        held.add(socket);
        if (handedOut.add(socket.getLocalPort())) {
          ports.add(socket.getLocalPort());
        }
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + LOOPBACK, e);
    } finally {
      for (ServerSocket socket : held) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // closing a listening socket that never accepted does not fail in practice
        }
      }
    }
  }
}
