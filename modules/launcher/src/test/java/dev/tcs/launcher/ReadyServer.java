package dev.tcs.launcher;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** A child JVM for {@link LocalProcessesTest}: answers 200 on /health/ready at the port of its first argument until killed. */
public final class ReadyServer {
  private ReadyServer() {}

  public static void main(String[] args) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0])), 16);
    server.createContext("/health/ready", exchange -> {
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.start();
    System.out.println("ready-server listening port=" + args[0]);
  }
}
