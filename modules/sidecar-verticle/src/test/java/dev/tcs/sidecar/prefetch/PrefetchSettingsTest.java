package dev.tcs.sidecar.prefetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.config.ConfigException;
import dev.tcs.core.config.Settings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrefetchSettingsTest {
  @TempDir Path dir;

  private Path token() throws Exception {
    return Files.writeString(dir.resolve("reader.jwt"), "eyJ.header.sig\n");
  }

  private static Optional<PrefetchSettings> read(JsonObject prefetch, long maximumSize) {
    return PrefetchSettings.from(Settings.of("sidecar", new JsonObject().put("prefetch", prefetch)).section("prefetch"), maximumSize);
  }

  private static ConfigException rejected(JsonObject prefetch, long maximumSize) {
    return assertThrows(ConfigException.class, () -> read(prefetch, maximumSize));
  }

  @Test
  void from_absentOrEmpty_isOff() {
    assertFalse(PrefetchSettings.from(Settings.of("sidecar", new JsonObject()).section("prefetch"), 10).isPresent());
    assertFalse(read(new JsonObject().put("tenants", new JsonArray()).put("tenants-file", "").put("token-file", ""), 10).isPresent());
  }

  @Test
  void from_listAndFile_mergedInOrderWithoutDuplicatesAndBearerToken() throws Exception {
    Path file = Files.writeString(dir.resolve("tenants.txt"), "# hot tenants\nglobex\n\n  initech  \nacme\n");
    PrefetchSettings settings =
        read(new JsonObject().put("tenants", new JsonArray().add("acme").add("hooli")).put("tenants-file", file.toString()).put("token-file", token().toString()), 10).orElseThrow();

    assertEquals(List.of("acme", "hooli", "globex", "initech"), settings.tenants());
    assertEquals("Bearer eyJ.header.sig", settings.authorization());
    assertEquals(PrefetchSettings.DEFAULT_CONCURRENCY, settings.concurrency());
    assertFalse(settings.toString().contains("eyJ"), "the token is never printed: " + settings);
  }

  @Test
  void from_badTenantInList_namesKeyIndexRuleAndValue() throws Exception {
    ConfigException e = rejected(new JsonObject().put("tenants", new JsonArray().add("acme").add("Bad!")).put("token-file", token().toString()), 10);
    assertEquals("sidecar.prefetch.tenants[1] must match [a-z0-9][a-z0-9-]{2,62}, but was 'Bad!'", e.getMessage());
  }

  @Test
  void from_badLineInFile_namesKeyLineAndValue() throws Exception {
    Path file = Files.writeString(dir.resolve("tenants.txt"), "acme\n# fine\nnot a tenant\n");
    ConfigException e = rejected(new JsonObject().put("tenants-file", file.toString()).put("token-file", token().toString()), 10);
    assertTrue(e.getMessage().startsWith("sidecar.prefetch.tenants-file line 3 must be a tenant id matching [a-z0-9][a-z0-9-]{2,62}, but was 'not a tenant'"), e.getMessage());
  }

  @Test
  void from_unreadableFiles_nameKeyAndPath() {
    ConfigException tenants = rejected(new JsonObject().put("tenants-file", dir.resolve("missing.txt").toString()), 10);
    assertTrue(tenants.getMessage().startsWith("sidecar.prefetch.tenants-file must be a readable UTF-8 file"), tenants.getMessage());
    ConfigException token = rejected(new JsonObject().put("tenants", new JsonArray().add("acme")).put("token-file", dir.resolve("missing.jwt").toString()), 10);
    assertTrue(token.getMessage().startsWith("sidecar.prefetch.token-file must be a readable file holding a reader token"), token.getMessage());
  }

  @Test
  void from_tenantsWithoutToken_requiresTokenFile() {
    ConfigException e = rejected(new JsonObject().put("tenants", new JsonArray().add("acme")), 10);
    assertTrue(e.getMessage().startsWith("sidecar.prefetch.token-file is required when tenants are listed"), e.getMessage());
  }

  @Test
  void from_tokenWithoutTenants_rejected() throws Exception {
    ConfigException e = rejected(new JsonObject().put("token-file", token().toString()), 10);
    assertTrue(e.getMessage().startsWith("sidecar.prefetch.token-file is set but neither sidecar.prefetch.tenants nor sidecar.prefetch.tenants-file lists a tenant"), e.getMessage());
  }

  @Test
  void from_moreTenantsThanTheCacheHolds_rejected() throws Exception {
    ConfigException e = rejected(new JsonObject().put("tenants", new JsonArray().add("acme").add("globex").add("hooli")).put("token-file", token().toString()), 2);
    assertEquals("sidecar.prefetch lists 3 tenants, more than sidecar.cache.maximum-size (2) can hold", e.getMessage());
  }

  @Test
  void from_concurrencyOutOfRange_namesKeyAndRule() throws Exception {
    ConfigException e = rejected(new JsonObject().put("tenants", new JsonArray().add("acme")).put("token-file", token().toString()).put("concurrency", 0), 10);
    assertEquals("sidecar.prefetch.concurrency must be an integer in 1..1024, but was '0'", e.getMessage());
  }

  @Test
  void from_unknownKey_rejected() {
    ConfigException e = rejected(new JsonObject().put("tenant", new JsonArray().add("acme")), 10);
    assertTrue(e.getMessage().contains("sidecar.prefetch"), e.getMessage());
    assertTrue(e.getMessage().contains("tenant"), e.getMessage());
  }
}
