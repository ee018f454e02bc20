package dev.tcs.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.hazelcast.core.HazelcastInstance;
import dev.tcs.core.auth.AuthConfig;
import dev.tcs.core.auth.Principal;
import dev.tcs.core.auth.Tokens;
import dev.tcs.core.config.Settings;
import dev.tcs.core.dynamo.DynamoClients;
import dev.tcs.core.dynamo.DynamoSettings;
import dev.tcs.core.log.EventLog;
import dev.tcs.core.log.KafkaEventLog;
import dev.tcs.core.log.KafkaSettings;
import dev.tcs.core.metrics.Metrics;
import dev.tcs.core.model.View;
import dev.tcs.core.model.ViewDefinitions;
import dev.tcs.infra.EmbeddedHazelcast;
import dev.tcs.infra.Eventually;
import dev.tcs.infra.FreePorts;
import dev.tcs.infra.LocalInfra;
import dev.tcs.infra.LocalInfraExtension;
import dev.tcs.infra.TestNames;
import dev.tcs.region.Region;
import dev.tcs.region.RegionConfig;
import dev.tcs.core.security.Hmac;
import dev.tcs.core.security.ViewTags;
import dev.tcs.sidecar.Sidecar;
import dev.tcs.sidecar.SidecarConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A tenant deleted in one region and still present in a lagging one, read through a sidecar that
 * hedges over both: the delete must win. Two real regions (each on its own views topic, table
 * and Hazelcast cluster, so one can be held back), one real sidecar whose home is the up-to-date
 * region, driven through HTTP and the views topics only.
 */
@ExtendWith(LocalInfraExtension.class)
class DeleteVersusLaggingRegionIT {
  private static final Path CONFIG = Path.of("../../config").toAbsolutePath().normalize();
  private static final Duration PROPAGATION = Duration.ofSeconds(30);

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private Vertx vertx;
  private EventLog eventLog;
  private HazelcastInstance sidecarClient;
  private software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient dynamo;

  @AfterEach
  void stop() {
    if (vertx != null) {
      DemoSystem.undeployAll(vertx);
    }
    if (eventLog != null) {
      eventLog.close().otherwiseEmpty().await();
    }
    if (sidecarClient != null) {
      sidecarClient.shutdown();
    }
    if (dynamo != null) {
      dynamo.close();
    }
    if (vertx != null) {
      vertx.close().await();
    }
  }

  private JsonObject demo;

  @Test
  void hedgeGetsDeleteFromUpToDateRegionAndOlderValueFromLaggingOne_answers404(LocalInfra infra) throws Exception {
    PrometheusMeterRegistry registry = Metrics.prometheus();
    vertx = Vertx.vertx();
    ConfigFiles files = new ConfigFiles(vertx, CONFIG, Map.of());
    demo = files.load("demo");
    Tokens tokens = new Tokens(vertx, AuthConfig.from(Settings.of("demo", demo).section("auth"), CONFIG));
    Hmac viewKey = Hmac.fromConfig(Settings.of("demo", demo).section("auth"), "view-key");
    String jira = tokens.issue("jira", Set.of(Principal.READER), Duration.ofHours(1));
    eventLog = new KafkaEventLog(vertx, KafkaSettings.of(infra.kafka().bootstrapServers(), "tcs-delete-it"));
    dynamo = DynamoClients.create(DynamoSettings.local(infra.dynamo().endpoint()));
    ViewDefinitions views = ViewDefinitions.fromJson(files.views());

    String fresh = "fresh-" + TestNames.unique("r").substring(2);
    String lagging = "lagging-" + TestNames.unique("r").substring(2);
    String freshUrl = deployRegion(infra, files, fresh, views, tokens, registry);
    String laggingUrl = deployRegion(infra, files, lagging, views, tokens, registry);
    String sidecarUrl = deploySidecar(infra, files, fresh, Map.of(fresh, freshUrl, lagging, laggingUrl), tokens, registry);

    String tenant = TestNames.unique("deleted");
    JsonObject body = views.slice("jira", new JsonObject().put("tenantId", tenant).put("products", new JsonArray().add("jira")));
    View v5 = new View(tenant, "jira", 5, 1, List.of(), false, body);
    View deleted = new View(tenant, "jira", 6, 1, List.of(), true, new JsonObject());
    // Regions ingest only views tagged by the projector (demo key here), so the test tags them as it would.
    eventLog.append(topicOf(fresh), tenant, ViewTags.tag(viewKey, v5.toBuffer())).await();
    eventLog.append(topicOf(lagging), tenant, ViewTags.tag(viewKey, v5.toBuffer())).await();
    awaitStatus(freshUrl, tenant, jira, 200);
    awaitStatus(laggingUrl, tenant, jira, 200);
    assertEquals(200, get(sidecarUrl, tenant, jira).statusCode(), "the sidecar reads and caches version 5");

    Counter applied = registry.find("tcs.sidecar.invalidations").tag("outcome", "applied").counter();
    double appliedBefore = applied == null ? 0 : applied.count();
    eventLog.append(topicOf(fresh), tenant, ViewTags.tag(viewKey, deleted.toBuffer())).await(); // the lagging region never sees it
    HttpResponse<String> tombstone = awaitStatus(freshUrl, tenant, jira, 404);
    Eventually.until(PROPAGATION, "the sidecar applied the delete's invalidation", () -> {
      Counter now = registry.find("tcs.sidecar.invalidations").tag("outcome", "applied").counter();
      return now != null && now.count() > appliedBefore;
    });
    assertEquals(200, get(laggingUrl, tenant, jira).statusCode(), "the lagging region still has version 5");

    for (int i = 0; i < 5; i++) {
      HttpResponse<String> answer = get(sidecarUrl, tenant, jira);
      assertEquals(404, answer.statusCode(), "read " + i + ": the delete outranks the lagging region's value: " + answer.body());
      assertEquals("6", answer.headers().firstValue("TCS-Version").orElse(null));
    }
    assertEquals(tenant, tombstone.headers().firstValue("TCS-Tenant").orElse(null), "a tombstone's 404 names its tenant");
    assertEquals("6", tombstone.headers().firstValue("TCS-Version").orElse(null), "a tombstone's 404 carries its version");
  }

  private String deployRegion(LocalInfra infra, ConfigFiles files, String name, ViewDefinitions views, Tokens tokens, PrometheusMeterRegistry registry) {
    JsonObject json = ComponentKeys.useDemoKeys(files.load("region"), demo);
    int port = FreePorts.one();
    json.getJsonObject("http").put("port", port);
    json.getJsonObject("kafka").put("bootstrap-servers", infra.kafka().bootstrapServers());
    json.getJsonObject("dynamodb").put("endpoint", infra.dynamo().endpoint().toString());
    json.getJsonObject("region").put("name", name).put("views-topic", topicOf(name)).put("read-instances", 1);
    json.getJsonObject("hazelcast").put("cluster-name", DemoSystem.clusterOf(name));
    HazelcastInstance member = infra.hazelcastMember(DemoSystem.clusterOf(name));
    eventLog.ensureTopic(topicOf(name), 1, false).await();
    Region.deploy(vertx, RegionConfig.from(Settings.of("", json)), views, dynamo, eventLog, member, tokens, registry, Clock.systemUTC()).await();
    return "http://127.0.0.1:" + port;
  }

  private String deploySidecar(LocalInfra infra, ConfigFiles files, String home, Map<String, String> regions, Tokens tokens, PrometheusMeterRegistry registry) {
    JsonObject json = ComponentKeys.useDemoKeys(files.load("sidecar"), demo);
    int port = FreePorts.one();
    json.getJsonObject("http").put("port", port);
    JsonObject lanes = new JsonObject();
    regions.forEach((name, url) -> lanes.put(name, new JsonObject().put("url", url)));
    json.getJsonObject("sidecar").put("primary", home).put("regions", lanes).put("request-timeout", "5s");
    // No refresh grace: the reads right after the delete's invalidation must not be answered the superseded value.
    json.getJsonObject("sidecar").getJsonObject("cache").put("refresh-grace", "0s");
    String cluster = DemoSystem.clusterOf(home);
    json.getJsonObject("hazelcast").put("cluster-name", cluster).put("members", new JsonArray(infra.hazelcastAddresses(cluster)));
    sidecarClient = EmbeddedHazelcast.startClient(cluster, infra.hazelcastAddresses(cluster));
    Sidecar.deploy(vertx, SidecarConfig.from(Settings.of("", json)), sidecarClient, tokens, registry, Clock.systemUTC()).await();
    return "http://127.0.0.1:" + port;
  }

  private static String topicOf(String region) {
    return "tcs.views." + region;
  }

  private HttpResponse<String> get(String base, String tenant, String token) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/v1/tenants/" + tenant + "/context"))
            .header("Authorization", "Bearer " + token)
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> awaitStatus(String base, String tenant, String token, int status) throws Exception {
    HttpResponse<String>[] last = new HttpResponse[1];
    Eventually.until(PROPAGATION, () -> {
      try {
        last[0] = get(base, tenant, token);
      } catch (Exception e) {
        return false;
      }
      return last[0].statusCode() == status;
    }, () -> base + " never answered " + status + " for " + tenant + ", last " + (last[0] == null ? "none" : last[0].statusCode() + " " + last[0].body()));
    return last[0];
  }
}
