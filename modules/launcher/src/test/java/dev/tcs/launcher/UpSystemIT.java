package dev.tcs.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.auth.AuthConfig;
import dev.tcs.core.auth.Principal;
import dev.tcs.core.auth.Tokens;
import dev.tcs.core.config.Settings;
import dev.tcs.infra.FreePorts;
import dev.tcs.infra.TestNames;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tcs up}'s system as child processes on free ports: a region process SIGKILLed while a
 * write happens, then restarted from the state file, catches up (re-reads its table, resumes
 * ingesting from its group's offsets) and serves the new version; the sidecar serves it too.
 */
class UpSystemIT {
  private static final Path CONFIG = Path.of("../../config").toAbsolutePath().normalize();

  @TempDir Path stateDir;

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void regionProcessSigkilledDuringAWrite_restartedFromTheStateFile_servesTheNewVersion() throws Exception {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("TCS_CATALOGUE_HTTP_PORT", Integer.toString(FreePorts.one()));
    env.put("TCS_PROJECTOR_HTTP_PORT", Integer.toString(FreePorts.one()));
    env.put("TCS_SIDECAR_HTTP_PORT", Integer.toString(FreePorts.one()));
    for (String region : List.of("US_EAST", "EU_WEST", "AP_SOUTH")) {
      env.put("TCS_DEMO_REGIONS_" + region + "_PORT", Integer.toString(FreePorts.one()));
    }
    Path stateFile = DemoState.file(stateDir);
    Vertx vertx = Vertx.vertx();
    UpSystem.Started up = null;
    try {
      up = UpSystem.start(vertx, CONFIG, env, stateFile);
      DemoState state = DemoState.readLive(stateFile).orElseThrow();
      assertEquals(List.of("infra", "catalogue", "projector", "region-us-east", "region-eu-west", "region-ap-south", "sidecar"), List.copyOf(state.processes().keySet()));
      assertTrue(state.processes().values().stream().allMatch(LocalProcesses::alive));

      Settings demo = Settings.of("demo", new ConfigFiles(vertx, CONFIG, env).load("demo"));
      Tokens tokens = new Tokens(vertx, AuthConfig.from(demo.section("auth"), CONFIG));
      String writer = tokens.issue("it-writer", Set.of(Principal.WRITER), Duration.ofMinutes(10));
      String reader = tokens.issue("jira", Set.of(Principal.READER), Duration.ofMinutes(10));
      String tenant = TestNames.unique("up");
      String region = up.endpoints().regions().get("eu-west");
      put(up.endpoints().catalogue(), writer, tenant, "v1");
      awaitVersion(region, reader, tenant, 1);

      DemoState.LocalProcess killed = state.processes().get("region-eu-west");
      LocalProcesses.kill(killed);
      assertFalse(LocalProcesses.alive(killed), "SIGKILL seen");
      assertEquals(-1, status(region + "/health/live"), "nothing answers on the killed region's port");
      put(up.endpoints().catalogue(), writer, tenant, "v2");

      DemoState after = UpSystem.startAgain(state, "region-eu-west", stateFile);

      long newPid = DemoState.readLive(stateFile).orElseThrow().processes().get("region-eu-west").pid();
      assertNotEquals(killed.pid(), newPid, "the state file holds the restarted pid");
      assertEquals(newPid, after.processes().get("region-eu-west").pid());
      awaitVersion(region, reader, tenant, 2);
      awaitVersion(up.endpoints().sidecar(), reader, tenant, 2);
    } finally {
      if (up != null) {
        UpSystem.stop(DemoState.read(stateFile).orElse(up.state()).processes());
        assertTrue(DemoState.read(stateFile).orElse(up.state()).processes().values().stream().noneMatch(LocalProcesses::alive), "every process stopped");
      }
      vertx.close().await();
    }
  }

  private void put(String catalogue, String writer, String tenant, String password) throws Exception {
    String body = "{\"products\":[\"jira\"],\"jira\":{\"db-user\":\"" + tenant + "\",\"db-password\":\"" + password + "\"}}";
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(catalogue + "/v1/tenants/" + tenant))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + writer)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    assertTrue(response.statusCode() == 200 || response.statusCode() == 201, "PUT answered " + response.statusCode() + ": " + response.body());
  }

  /** Polls until {@code base} answers {@code tenant} at {@code version} or later (60 s: the suite may share the machine). */
  private void awaitVersion(String base, String reader, String tenant, long version) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String last = "nothing";
    while (System.nanoTime() < deadline) {
      try {
        HttpRequest request =
            HttpRequest.newBuilder(URI.create(base + "/v1/tenants/" + tenant + "/context")).timeout(Duration.ofSeconds(2)).header("Authorization", "Bearer " + reader).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        last = response.statusCode() + " version " + response.headers().firstValue("TCS-Version").orElse("-");
        if (response.statusCode() == 200 && Long.parseLong(response.headers().firstValue("TCS-Version").orElse("0")) >= version) {
          return;
        }
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(100);
    }
    throw new AssertionError(base + " did not answer " + tenant + " at version " + version + " within 60 s; last: " + last);
  }

  private int status(String url) throws InterruptedException {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    }
  }
}
