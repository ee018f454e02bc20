package dev.tcs.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.auth.Principal;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code tcs chaos} against the demo's regions (chaos is on in the demo): set, show, refuse, clear. */
class ChaosCommandIT {
  private static final Path CONFIG = Path.of("../../config").toAbsolutePath().normalize();
  private static DemoSystem system;
  private static HttpClient http;

  @BeforeAll
  static void startSystem() {
    system = DemoSystem.start(new DemoSystem.Options(CONFIG, Map.of(), true));
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stopSystem() {
    if (system != null) {
      system.close();
    }
  }

  @Test
  void chaosLatency_delaysTheRegionsReads_untilCleared() throws Exception {
    String url = system.endpoints().regions().get("eu-west");
    String reader = system.tokens().issue("jira", Set.of(Principal.READER), Duration.ofMinutes(5));

    Run set = tcs("chaos", "eu-west", "--url", url, "--latency", "300ms");
    assertEquals(0, set.exit(), set.err());
    JsonObject shown = new JsonObject(set.out()).getJsonObject("faults");
    assertEquals("300ms", shown.getString("latency"));
    assertEquals(1.0, shown.getDouble("latencyFraction"));
    assertTrue(readMillis(url, reader) >= 300, "the read was not delayed");

    Run show = tcs("chaos", "eu-west", "--url", url);
    assertEquals(0, show.exit(), show.err());
    assertEquals("300ms", new JsonObject(show.out()).getJsonObject("faults").getString("latency"));

    Run clear = tcs("chaos", "eu-west", "--url", url, "--clear");
    assertEquals(0, clear.exit(), clear.err());
    assertTrue(readMillis(url, reader) < 300, "the latency outlived --clear");
  }

  @Test
  void chaosBadFraction_exits2NamingTheField() {
    Run bad = tcs("chaos", "us-east", "--url", system.endpoints().regions().get("us-east"), "--dynamo-failures", "2");
    assertEquals(2, bad.exit(), bad.out() + bad.err());
    assertTrue(bad.err().contains("dynamoFailures"), bad.err());
  }

  @Test
  void chaosWithReaderToken_isRefused() {
    String reader = system.tokens().issue("jira", Set.of(Principal.READER), Duration.ofMinutes(5));
    Run refused = tcs("chaos", "us-east", "--url", system.endpoints().regions().get("us-east"), "--token", reader, "--read", "off");
    assertEquals(2, refused.exit());
    assertTrue(refused.err().contains("403"), refused.err());
  }

  private static long readMillis(String url, String token) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url + "/v1/tenants/no-such-tenant/context")).header("Authorization", "Bearer " + token).GET().build();
    long started = System.nanoTime();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    long took = (System.nanoTime() - started) / 1_000_000;
    assertEquals(404, response.statusCode(), response.body());
    return took;
  }

  private record Run(int exit, String out, String err) {}

  private static Run tcs(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine command = new CommandLine(new TcsCommand());
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 2];
    all[0] = "--config-dir";
    all[1] = CONFIG.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    int exit = command.execute(all);
    return new Run(exit, out.toString(), err.toString());
  }
}
