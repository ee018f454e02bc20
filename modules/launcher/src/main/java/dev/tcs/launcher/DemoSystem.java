package dev.tcs.launcher;

import com.hazelcast.core.HazelcastInstance;
import dev.tcs.catalogue.Catalogue;
import dev.tcs.catalogue.CatalogueConfig;
import dev.tcs.core.auth.AuthConfig;
import dev.tcs.core.auth.Tokens;
import dev.tcs.core.config.Settings;
import dev.tcs.core.dynamo.DynamoClients;
import dev.tcs.core.dynamo.DynamoSettings;
import dev.tcs.core.log.EventLog;
import dev.tcs.core.log.KafkaEventLog;
import dev.tcs.core.log.KafkaSettings;
import dev.tcs.core.metrics.Metrics;
import dev.tcs.core.model.ViewDefinitions;
import dev.tcs.infra.EmbeddedHazelcast;
import dev.tcs.infra.FreePorts;
import dev.tcs.infra.LocalInfra;
import dev.tcs.projector.Projector;
import dev.tcs.projector.ProjectorConfig;
import dev.tcs.region.Region;
import dev.tcs.region.RegionConfig;
import dev.tcs.sidecar.Sidecar;
import dev.tcs.sidecar.SidecarConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * The whole system in one JVM, as {@code tcs demo} runs it and the end-to-end tests drive it:
 * embedded Kafka, DynamoDB Local and one Hazelcast cluster per region (from local-infra), then
 * the catalogue, the projector, every region of {@code demo.yaml} and one sidecar, each
 * configured from its file under the config directory with the infrastructure endpoints replaced
 * by the embedded ones. Start and close block: call them from {@code main} or a test, never from
 * an event loop.
 */
public final class DemoSystem implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DemoSystem.class);

  private final LocalInfra infra;
  private final Vertx vertx;
  private final DynamoDbAsyncClient dynamo;
  private final DynamoDbAsyncClient regionDynamo;
  private final EventLog eventLog;
  private final Tokens tokens;
  private final Endpoints endpoints;
  private final List<HazelcastInstance> clients;
  private final Supplier<Future<String>> sidecarDeployer;
  private String sidecarDeployment;

  /** Where each part answers. */
  public record Endpoints(String catalogue, String projector, Map<String, String> regions, String sidecar) {}

  /**
   * How to start it.
   *
   * @param configDir the directory holding the YAML files and demo keys
   * @param env environment overrides ({@code System.getenv()} for the demo)
   * @param freePorts true to move every HTTP server to a free port (tests)
   */
  public record Options(Path configDir, Map<String, String> env, boolean freePorts) {}

  private DemoSystem(
      LocalInfra infra,
      Vertx vertx,
      DynamoDbAsyncClient dynamo,
      DynamoDbAsyncClient regionDynamo,
      EventLog eventLog,
      Tokens tokens,
      Endpoints endpoints,
      List<HazelcastInstance> clients,
      Supplier<Future<String>> sidecarDeployer,
      String sidecarDeployment) {
    this.infra = infra;
    this.vertx = vertx;
    this.dynamo = dynamo;
    this.regionDynamo = regionDynamo;
    this.eventLog = eventLog;
    this.tokens = tokens;
    this.endpoints = endpoints;
    this.clients = clients;
    this.sidecarDeployer = sidecarDeployer;
    this.sidecarDeployment = sidecarDeployment;
  }

  public static DemoSystem start(Options options) {
    PrometheusMeterRegistry registry = Metrics.prometheus();
    Vertx vertx = Metrics.vertx(new VertxOptions(), registry);
    LocalInfra infra = null;
    List<HazelcastInstance> clients = new ArrayList<>();
    try {
      ConfigFiles files = new ConfigFiles(vertx, options.configDir(), options.env());
      Settings demo = Settings.of("demo", files.load("demo"));
      demo.allowOnly("regions", "auth", "seed", "token-ttl");
      Map<String, Integer> regionPorts = regionPorts(demo.section("regions"), options.freePorts());
      List<String> clusters = regionPorts.keySet().stream().map(DemoSystem::clusterOf).toList();
      infra = LocalInfra.start(clusters);

      Tokens tokens = new Tokens(vertx, AuthConfig.from(demo.section("auth"), options.configDir()));
      KafkaSettings kafka = KafkaSettings.of(infra.kafka().bootstrapServers(), "tcs-demo");
      EventLog eventLog = new KafkaEventLog(vertx, kafka);
      DynamoDbAsyncClient dynamo = DynamoClients.create(DynamoSettings.local(infra.dynamo().endpoint()));
      // The regions' own client, as `tcs run region` builds it: their continuations never block.
      DynamoDbAsyncClient regionDynamo = DynamoClients.createCompletingOnIoThreads(DynamoSettings.local(infra.dynamo().endpoint()));
      ViewDefinitions views = ViewDefinitions.fromJson(files.views());
      Clock clock = Clock.systemUTC();

      JsonObject catalogueJson = embedded(files.load("catalogue"), demo.json(), infra, options.freePorts());
      CatalogueConfig catalogue = CatalogueConfig.from(Settings.of("", catalogueJson));
      started("catalogue", url(catalogueJson), Catalogue.deploy(vertx, catalogue, dynamo, eventLog, tokens, registry, clock));

      JsonObject projectorJson = embedded(files.load("projector"), demo.json(), infra, options.freePorts());
      started("projector", url(projectorJson), Projector.deploy(vertx, ProjectorConfig.from(Settings.of("", projectorJson)), views, eventLog, registry));

      JsonObject regionTemplate = embedded(files.load("region"), demo.json(), infra, false);
      Map<String, String> regionUrls = new LinkedHashMap<>();
      for (Map.Entry<String, Integer> region : regionPorts.entrySet()) {
        JsonObject json = regionTemplate.copy();
        json.getJsonObject("region").put("name", region.getKey());
        json.getJsonObject("http").put("port", region.getValue());
        json.getJsonObject("hazelcast").put("cluster-name", clusterOf(region.getKey()));
        json.put("chaos", new JsonObject().put("enabled", true)); // the demo is for drills: `tcs chaos REGION ...`
        HazelcastInstance member = infra.hazelcastMember(clusterOf(region.getKey()));
        started("region " + region.getKey(), url(json), Region.deploy(vertx, RegionConfig.from(Settings.of("", json)), views, regionDynamo, eventLog, member, tokens, registry, clock));
        regionUrls.put(region.getKey(), "http://" + json.getJsonObject("http").getString("host") + ":" + region.getValue());
      }

      JsonObject sidecarJson = ComponentKeys.useDemoKeys(files.load("sidecar"), demo.json());
      if (options.freePorts()) {
        sidecarJson.getJsonObject("http").put("port", FreePorts.one());
      }
      JsonObject sidecarRegions = new JsonObject();
      regionUrls.forEach((name, url) -> sidecarRegions.put(name, new JsonObject().put("url", url)));
      sidecarJson.getJsonObject("sidecar").put("regions", sidecarRegions);
      String home = sidecarJson.getJsonObject("sidecar").getString("primary");
      sidecarJson.getJsonObject("hazelcast").put("cluster-name", clusterOf(home)).put("members", new JsonArray(infra.hazelcastAddresses(clusterOf(home))));
      withDemoSnapshot(sidecarJson.getJsonObject("sidecar"));
      HazelcastInstance client = EmbeddedHazelcast.startClient(clusterOf(home), infra.hazelcastAddresses(clusterOf(home)));
      clients.add(client);
      SidecarConfig sidecar = SidecarConfig.from(Settings.of("", sidecarJson));
      Supplier<Future<String>> sidecarDeployer = () -> Sidecar.deploy(vertx, sidecar, client, tokens, registry, clock);
      String sidecarDeployment = started("sidecar", url(sidecarJson), sidecarDeployer.get());

      Endpoints endpoints =
          new Endpoints(url(catalogueJson), url(projectorJson), Map.copyOf(regionUrls), url(sidecarJson));
      return new DemoSystem(infra, vertx, dynamo, regionDynamo, eventLog, tokens, endpoints, clients, sidecarDeployer, sidecarDeployment);
    } catch (Exception | Error e) {
      // Future.await() rethrows checked causes (a BindException) as they are: catch them too.
      clients.forEach(HazelcastInstance::shutdown);
      vertx.close().await();
      if (infra != null) {
        infra.close();
      }
      throw e;
    }
  }

  public Endpoints endpoints() {
    return endpoints;
  }

  /**
   * The demo keeps the sidecar's warm-restart snapshot unless the file configures one: in a new
   * temp directory, sealed with a key generated for this run (both deleted when the JVM exits).
   */
  private static void withDemoSnapshot(JsonObject sidecar) {
    if (sidecar.containsKey("snapshot")) {
      return;
    }
    Path dir;
    try {
      dir = Files.createTempDirectory("tcs-demo-sidecar");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the demo sidecar's snapshot directory", e);
    }
    Path file = dir.resolve("sidecar.snapshot");
    dir.toFile().deleteOnExit();
    file.toFile().deleteOnExit(); // registered last, deleted first
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    sidecar.put("snapshot", new JsonObject().put("path", file.toString()).put("key", Base64.getEncoder().encodeToString(key)).put("interval", "30s"));
  }

  /** Issues demo tokens (the demo holds the private key). */
  public Tokens tokens() {
    return tokens;
  }

  public Vertx vertx() {
    return vertx;
  }

  public LocalInfra infra() {
    return infra;
  }

  /**
   * Where this demo can be found (infrastructure addresses, every component's URL), for the
   * state file that {@code tcs replay} and other commands read.
   */
  public DemoState state() {
    Map<String, List<String>> clusters = new LinkedHashMap<>();
    endpoints.regions().keySet().forEach(region -> clusters.put(clusterOf(region), infra.hazelcastAddresses(clusterOf(region))));
    Map<String, String> components = new LinkedHashMap<>();
    components.put("catalogue", endpoints.catalogue());
    components.put("projector", endpoints.projector());
    components.put("sidecar", endpoints.sidecar());
    endpoints.regions().forEach((region, url) -> components.put("region." + region, url));
    return new DemoState(
        ProcessHandle.current().pid(),
        java.time.Instant.now(),
        infra.kafka().bootstrapServers(),
        infra.dynamo().endpoint().toString(),
        clusters,
        components);
  }

  /** Undeploys the sidecar (its port closes, its cache and meters go); blocks. For drills. */
  public synchronized void stopSidecar() {
    if (sidecarDeployment != null) {
      vertx.undeploy(sidecarDeployment).await();
      sidecarDeployment = null;
    }
  }

  /** Deploys the sidecar again on its port with the same config (after {@link #stopSidecar}); blocks until it listens. */
  public synchronized void startSidecar() {
    if (sidecarDeployment == null) {
      sidecarDeployment = started("sidecar", endpoints.sidecar(), sidecarDeployer.get());
    }
  }

  @Override
  public void close() {
    undeployAll(vertx);
    eventLog.close().otherwiseEmpty().await();
    dynamo.close();
    regionDynamo.close();
    clients.forEach(HazelcastInstance::shutdown);
    vertx.close().await();
    infra.close();
  }

  /** Stops every component (servers close, subscriptions commit and leave their groups); blocks. */
  static void undeployAll(Vertx vertx) {
    try {
      Future.join(vertx.deploymentIDs().stream().map(vertx::undeploy).toList()).await();
    } catch (RuntimeException e) {
      log.warn("undeploy failed reason={}", e.toString());
    }
  }

  /** Waits for a deployment; a failure names the component and its address (a busy port, say). */
  private static String started(String component, String url, Future<String> deployment) {
    try {
      return deployment.await();
    } catch (Exception e) { // await() rethrows checked causes (a BindException) as they are
      throw new IllegalStateException(component + " could not start at " + url + ": " + e.getMessage(), e);
    }
  }

  static String clusterOf(String region) {
    return "tcs-" + region;
  }

  static Map<String, Integer> regionPorts(Settings regions, boolean freePorts) {
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (String name : regions.json().fieldNames()) {
      Settings region = regions.section(name);
      region.allowOnly("port");
      int port = region.port("port", 0);
      regions.check(port > 0, name + ".port", "must be a port in 1..65535");
      ports.put(name, freePorts ? FreePorts.one() : port);
    }
    regions.check(!ports.isEmpty(), "regions", "must list at least one region");
    return ports;
  }

  /** Points a component's kafka and dynamodb sections at the embedded infrastructure, and its keys at the demo's. */
  private static JsonObject embedded(JsonObject json, JsonObject demo, LocalInfra infra, boolean freePort) {
    ComponentKeys.useDemoKeys(json, demo);
    if (json.getValue("kafka") instanceof JsonObject kafka) {
      kafka.put("bootstrap-servers", infra.kafka().bootstrapServers());
    }
    if (json.getValue("dynamodb") instanceof JsonObject dynamodb) {
      dynamodb.put("endpoint", infra.dynamo().endpoint().toString());
    }
    if (freePort) {
      json.getJsonObject("http").put("port", FreePorts.one());
    }
    return json;
  }

  private static String url(JsonObject json) {
    JsonObject http = json.getJsonObject("http");
    return "http://" + http.getString("host", "127.0.0.1") + ":" + http.getInteger("port");
  }
}
