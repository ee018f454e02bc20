package dev.tcs.projector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.config.ConfigException;
import dev.tcs.core.config.ConfigLoader;
import dev.tcs.core.config.Settings;
import dev.tcs.core.model.ViewDefinitions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectorConfigTest {
  private static final String VIEW_KEY = "test-secret-for-views-and-invalidations-0123456789";
  private static final Path CONFIG_DIR = Path.of("../../config");
  private static Vertx vertx;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void from_shippedFileWithoutViewKey_refusesNamingIt() throws Exception {
    JsonObject json = await(ConfigLoader.load(vertx, CONFIG_DIR.resolve("projector.yaml"), Map.of(), "TCS_PROJECTOR"));
    ConfigException e = assertThrows(ConfigException.class, () -> ProjectorConfig.from(Settings.of("", json)));
    assertTrue(e.getMessage().startsWith("auth.view-key is required"), e.getMessage());
  }

  @Test
  void from_shippedFile_defaults() throws Exception {
    ProjectorConfig config = ProjectorConfig.from(Settings.of("", load(Map.of())));

    assertEquals("127.0.0.1", config.httpHost());
    assertEquals(8085, config.httpPort());
    assertEquals("127.0.0.1:9092", config.kafka().bootstrapServers());
    assertEquals("tcs-projector", config.group());
    assertEquals("tcs.catalogue.events", config.eventsTopic());
    assertEquals("tcs.views", config.viewsTopic());
    assertEquals(4, config.partitions());
    assertEquals(CONFIG_DIR.resolve("views.yaml"), config.viewsPath(CONFIG_DIR));
  }

  @Test
  void from_environmentOverrides_applied() throws Exception {
    JsonObject json = load(Map.of("TCS_PROJECTOR_PROJECTOR_PARTITIONS", "8", "TCS_PROJECTOR_PROJECTOR_VIEWS_TOPIC", "views-x"));

    ProjectorConfig config = ProjectorConfig.from(Settings.of("", json));

    assertEquals(8, config.partitions());
    assertEquals("views-x", config.viewsTopic());
  }

  @Test
  void from_onlyKafka_defaultsEverythingElse() {
    JsonObject json = minimal();

    ProjectorConfig config = ProjectorConfig.from(Settings.of("", json));

    assertEquals(8085, config.httpPort());
    assertEquals("tcs-projector", config.group());
    assertEquals("views.yaml", config.viewsFile());
  }

  @Test
  void from_unknownKey_rejectedNamingIt() {
    JsonObject json = minimal().put("projector", new JsonObject().put("partitons", 4));

    ConfigException e = assertThrows(ConfigException.class, () -> ProjectorConfig.from(Settings.of("", json)));

    assertTrue(e.getMessage().startsWith("projector.partitons is not a known key"), e.getMessage());
  }

  @Test
  void from_badTopicName_rejectedNamingIt() {
    JsonObject json = minimal().put("projector", new JsonObject().put("events-topic", "no spaces"));

    ConfigException e = assertThrows(ConfigException.class, () -> ProjectorConfig.from(Settings.of("", json)));

    assertTrue(e.getMessage().startsWith("projector.events-topic must match"), e.getMessage());
  }

  @Test
  void from_sameTopicTwice_rejected() {
    JsonObject json = minimal().put("projector", new JsonObject().put("events-topic", "t").put("views-topic", "t"));

    ConfigException e = assertThrows(ConfigException.class, () -> ProjectorConfig.from(Settings.of("", json)));

    assertTrue(e.getMessage().startsWith("projector.views-topic must differ from projector.events-topic"), e.getMessage());
  }

  @Test
  void from_partitionsZero_rejected() {
    JsonObject json = minimal().put("projector", new JsonObject().put("partitions", 0));

    ConfigException e = assertThrows(ConfigException.class, () -> ProjectorConfig.from(Settings.of("", json)));

    assertTrue(e.getMessage().startsWith("projector.partitions must be an integer in 1..1000"), e.getMessage());
  }

  @Test
  void from_noKafka_rejectedNamingBootstrap() {
    ConfigException e = assertThrows(ConfigException.class, () -> ProjectorConfig.from(Settings.of("", new JsonObject())));

    assertTrue(e.getMessage().startsWith("kafka.bootstrap-servers is required"), e.getMessage());
  }

  @Test
  void loadViews_shippedFile_jiraAndNetworkIngress() throws Exception {
    ViewDefinitions views = await(Projector.loadViews(vertx, CONFIG_DIR.resolve("views.yaml")));

    assertEquals(List.of("jira", "network-ingress"), List.copyOf(views.consumers()));
    assertEquals(1, views.revision());
  }

  @Test
  void loadViews_badPointer_failsNamingFileAndKey(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("views.yaml");
    Files.writeString(file, "revision: 2\nconsumers:\n  jira:\n    include: [jira]\n");

    ExecutionException e = assertThrows(ExecutionException.class, () -> await(Projector.loadViews(vertx, file)));

    assertInstanceOf(ConfigException.class, e.getCause());
    assertTrue(e.getCause().getMessage().contains(file.toString()), e.getCause().getMessage());
    assertTrue(e.getCause().getMessage().contains("consumers.jira.include[0]"), e.getCause().getMessage());
  }

  private static JsonObject minimal() {
    return new JsonObject().put("kafka", new JsonObject().put("bootstrap-servers", "k:9092")).put("auth", new JsonObject().put("view-key", VIEW_KEY));
  }

  private static JsonObject load(Map<String, String> env) throws Exception {
    Map<String, String> withKey = new java.util.HashMap<>(env);
    withKey.putIfAbsent("TCS_PROJECTOR_AUTH_VIEW_KEY", VIEW_KEY);
    return await(ConfigLoader.load(vertx, CONFIG_DIR.resolve("projector.yaml"), withKey, "TCS_PROJECTOR"));
  }

  private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
