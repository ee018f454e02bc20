package dev.tcs.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  private static final String YAML =
      """
      http:
        host: 127.0.0.1
        port: 8080
      kafka:
        bootstrap-servers: 127.0.0.1:9092
        commit-interval: 500ms
        properties: {}
      catalogue:
        ratio: 0.5
        relay-enabled: true
        regions: [us-east, eu-west]
        tags: []
      """;

  private static Vertx vertx;
  @TempDir Path dir;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    vertx.close().await();
  }

  private JsonObject load(Map<String, String> env) throws IOException {
    Path file = dir.resolve("catalogue.yaml");
    Files.writeString(file, YAML);
    return ConfigLoader.load(vertx, file, env, "TCS_CATALOGUE").await();
  }

  private Throwable loadFailure(Map<String, String> env) throws IOException {
    Path file = dir.resolve("catalogue.yaml");
    Files.writeString(file, YAML);
    return assertThrows(Exception.class, () -> ConfigLoader.load(vertx, file, env, "TCS_CATALOGUE").await());
  }

  @Test
  void load_yamlFile_asJson() throws IOException {
    JsonObject json = load(Map.of());
    assertEquals(8080, json.getJsonObject("http").getInteger("port"));
    assertEquals("500ms", json.getJsonObject("kafka").getString("commit-interval"));
    assertEquals(new JsonArray().add("us-east").add("eu-west"), json.getJsonObject("catalogue").getJsonArray("regions"));
  }

  @Test
  void load_integerOverride_staysANumber() throws IOException {
    JsonObject json = load(Map.of("TCS_CATALOGUE_HTTP_PORT", " 9090 "));
    assertEquals(9090, Settings.of("", json).section("http").port("port", 0));
  }

  @Test
  void load_stringOverrideOfDashedKey_applied() throws IOException {
    JsonObject json = load(Map.of("TCS_CATALOGUE_KAFKA_BOOTSTRAP_SERVERS", "10.0.0.1:9092,10.0.0.2:9092"));
    assertEquals("10.0.0.1:9092,10.0.0.2:9092", json.getJsonObject("kafka").getString("bootstrap-servers"));
  }

  @Test
  void load_decimalAndBooleanOverrides_keepTheirTypes() throws IOException {
    JsonObject json = load(Map.of("TCS_CATALOGUE_CATALOGUE_RATIO", "0.75", "TCS_CATALOGUE_CATALOGUE_RELAY_ENABLED", "FALSE"));
    assertEquals(0.75, json.getJsonObject("catalogue").getDouble("ratio"));
    assertEquals(false, json.getJsonObject("catalogue").getValue("relay-enabled"));
  }

  @Test
  void load_listOverride_commaSeparatedOrJson() throws IOException {
    JsonObject csv = load(Map.of("TCS_CATALOGUE_CATALOGUE_REGIONS", "ap-south, us-east"));
    assertEquals(new JsonArray().add("ap-south").add("us-east"), csv.getJsonObject("catalogue").getJsonArray("regions"));
    JsonObject array = load(Map.of("TCS_CATALOGUE_CATALOGUE_TAGS", "[\"a\",\"b\"]"));
    assertEquals(new JsonArray().add("a").add("b"), array.getJsonObject("catalogue").getJsonArray("tags"));
  }

  @Test
  void load_variableForKeyAbsentFromFile_stopsStartNamingIt() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> load(Map.of("TCS_CATALOGUE_HTTP_PROT", "1", "TCS_CATALOGUE_DYNAMODB_ENDPOINT", "http://x")));
    assertTrue(e.getMessage().contains("TCS_CATALOGUE_DYNAMODB_ENDPOINT, TCS_CATALOGUE_HTTP_PROT"), e.getMessage());
  }

  @Test
  void applyEnv_variableNamingASectionNotAKey_stopsStart() {
    JsonObject json = new JsonObject().put("kafka", new JsonObject().put("client-id", "x"));
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.applyEnv(json, Map.of("P_KAFKA_COMMIT_INTERVAL", "5s"), "P"));
    assertTrue(e.getMessage().contains("P_KAFKA_COMMIT_INTERVAL"), e.getMessage());
  }

  @Test
  void load_sectionAsJsonObject_mergedOverTheFile() throws IOException {
    JsonObject json =
        load(Map.of("TCS_CATALOGUE_KAFKA_PROPERTIES", "{\"security.protocol\": \"SASL_SSL\", \"sasl.mechanism\": \"SCRAM-SHA-512\"}"));
    JsonObject properties = json.getJsonObject("kafka").getJsonObject("properties");
    assertEquals("SASL_SSL", properties.getString("security.protocol"));
    assertEquals("SCRAM-SHA-512", properties.getString("sasl.mechanism"));
  }

  @Test
  void load_sectionAsJsonObject_aKeysOwnVariableWins() throws IOException {
    JsonObject json = load(Map.of("TCS_CATALOGUE_HTTP", "{\"port\": 1, \"host\": \"0.0.0.0\"}", "TCS_CATALOGUE_HTTP_PORT", "2"));
    assertEquals(2, json.getJsonObject("http").getInteger("port"));
    assertEquals("0.0.0.0", json.getJsonObject("http").getString("host"));
  }

  @Test
  void load_sectionVariableNotAnObject_namesVariable() throws IOException {
    Throwable e = loadFailure(Map.of("TCS_CATALOGUE_KAFKA_PROPERTIES", "security.protocol=SSL"));
    assertInstanceOf(ConfigException.class, e);
    assertTrue(e.getMessage().startsWith("environment variable TCS_CATALOGUE_KAFKA_PROPERTIES names a section, so it must be a JSON object"), e.getMessage());
  }

  @Test
  void load_otherPrefix_ignored() throws IOException {
    JsonObject json = load(Map.of("TCS_REGION_HTTP_PORT", "1"));
    assertEquals(8080, json.getJsonObject("http").getInteger("port"));
  }

  @Test
  void load_badNumberOverride_namesVariable() throws IOException {
    Throwable e = loadFailure(Map.of("TCS_CATALOGUE_HTTP_PORT", "eighty"));
    assertInstanceOf(ConfigException.class, e);
    assertEquals("environment variable TCS_CATALOGUE_HTTP_PORT must be a number, but was 'eighty'", e.getMessage());
  }

  @Test
  void load_badBooleanOverride_namesVariable() throws IOException {
    Throwable e = loadFailure(Map.of("TCS_CATALOGUE_CATALOGUE_RELAY_ENABLED", "yes"));
    assertInstanceOf(ConfigException.class, e);
    assertTrue(e.getMessage().startsWith("environment variable TCS_CATALOGUE_CATALOGUE_RELAY_ENABLED must be true or false"));
  }

  @Test
  void load_badJsonListOverride_namesVariable() throws IOException {
    Throwable e = loadFailure(Map.of("TCS_CATALOGUE_CATALOGUE_TAGS", "[unclosed"));
    assertInstanceOf(ConfigException.class, e);
    assertTrue(e.getMessage().startsWith("environment variable TCS_CATALOGUE_CATALOGUE_TAGS must be a list"));
  }

  @Test
  void load_missingFile_namesFile() {
    Path missing = dir.resolve("nope.yaml");
    Throwable e = assertThrows(ConfigException.class, () -> ConfigLoader.load(vertx, missing, Map.of(), "TCS_X").await());
    assertTrue(e.getMessage().contains("nope.yaml"), e.getMessage());
  }

  @Test
  void load_malformedYaml_namesFile() throws IOException {
    Path file = dir.resolve("broken.yaml");
    Files.writeString(file, "http:\n  port: [8080\n");
    Throwable e = assertThrows(ConfigException.class, () -> ConfigLoader.load(vertx, file, Map.of(), "TCS_X").await());
    assertTrue(e.getMessage().contains("broken.yaml"), e.getMessage());
  }

  @Test
  void load_emptyFile_emptyConfig() throws IOException {
    Path file = dir.resolve("empty.yaml");
    Files.writeString(file, "");
    assertEquals(new JsonObject(), ConfigLoader.load(vertx, file, Map.of(), "TCS_X").await());
  }

  @Test
  void load_nullValueInFile_overriddenAsText() throws IOException {
    Path file = dir.resolve("nulls.yaml");
    Files.writeString(file, "dynamodb:\n  endpoint:\n");
    JsonObject json = ConfigLoader.load(vertx, file, Map.of("TCS_X_DYNAMODB_ENDPOINT", "http://127.0.0.1:8000"), "TCS_X").await();
    assertEquals("http://127.0.0.1:8000", json.getJsonObject("dynamodb").getString("endpoint"));
  }

  @Test
  void applyEnv_doesNotChangeItsInput() {
    JsonObject json = new JsonObject().put("http", new JsonObject().put("port", 1));
    JsonObject applied = ConfigLoader.applyEnv(json, Map.of("P_HTTP_PORT", "2"), "P");
    assertEquals(1, json.getJsonObject("http").getInteger("port"));
    assertEquals(2L, applied.getJsonObject("http").getLong("port"));
  }

  @Test
  void envName_dotsAndDashes_becomeUnderscores() {
    assertEquals("TCS_CATALOGUE_HTTP_PORT", ConfigLoader.envName("TCS_CATALOGUE", "http.port"));
    assertEquals("TCS_SIDECAR_REGIONS_US_EAST_URL", ConfigLoader.envName("TCS_SIDECAR", "regions.us-east.url"));
  }
}
