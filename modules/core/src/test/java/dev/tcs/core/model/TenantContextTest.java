package dev.tcs.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TenantContextTest {

  private static final JsonObject ACME =
      new JsonObject()
          .put("tenantId", "acme")
          .put("hosts", new JsonArray().add("acme.example.net"))
          .put("products", new JsonArray().add("jira").add("confluence"))
          .put("jira", new JsonObject().put("db-user", "acme_jira").put("db-password", "secret"));

  @Test
  void fromRequest_validDocument_keepsDocumentAndHosts() {
    TenantContext context = TenantContext.fromRequest("acme", ACME.toBuffer());
    assertEquals("acme", context.tenantId());
    assertEquals(List.of("acme.example.net"), context.hosts());
    assertEquals(ACME, context.document());
  }

  @Test
  void fromRequest_missingTenantId_filledFromPath() {
    TenantContext context = TenantContext.fromRequest("acme", Buffer.buffer("{\"products\":[\"jira\"]}"));
    assertEquals("acme", context.document().getString("tenantId"));
    assertEquals(List.of(), context.hosts());
  }

  @Test
  void fromRequest_pathAndBodyIdDiffer_rejectsNamingTenantId() {
    ValidationException e =
        assertThrows(ValidationException.class, () -> TenantContext.fromRequest("acme", ACME.copy().put("tenantId", "other").toBuffer()));
    assertEquals("tenantId", e.field());
    assertTrue(e.getMessage().contains("'acme'") && e.getMessage().contains("'other'"), e.getMessage());
  }

  @Test
  void fromRequest_bodyIdNotAString_rejectsNamingTenantId() {
    ValidationException e =
        assertThrows(ValidationException.class, () -> TenantContext.fromRequest("acme", Buffer.buffer("{\"tenantId\":42}")));
    assertEquals("tenantId", e.field());
  }

  @Test
  void fromRequest_invalidPathId_rejectsNamingTenantId() {
    ValidationException e = assertThrows(ValidationException.class, () -> TenantContext.fromRequest("A!", ACME.toBuffer()));
    assertEquals("tenantId", e.field());
  }

  @ParameterizedTest
  @ValueSource(strings = {"[1,2]", "\"acme\"", "42", "null", "true"})
  void fromRequest_notAnObject_rejectsNamingBody(String body) {
    ValidationException e = assertThrows(ValidationException.class, () -> TenantContext.fromRequest("acme", Buffer.buffer(body)));
    assertEquals("body", e.field());
    assertEquals("body must be a JSON object", e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"{", "{\"a\":}", "not json", "{\"a\":1}}", "{'a':1}"})
  void fromRequest_invalidJson_rejectsNamingBody(String body) {
    ValidationException e = assertThrows(ValidationException.class, () -> TenantContext.fromRequest("acme", Buffer.buffer(body)));
    assertEquals("body", e.field());
  }

  @Test
  void fromRequest_emptyOrNullBody_rejectsNamingBody() {
    assertEquals("body", assertThrows(ValidationException.class, () -> TenantContext.fromRequest("acme", Buffer.buffer())).field());
    assertEquals("body", assertThrows(ValidationException.class, () -> TenantContext.fromRequest("acme", null)).field());
  }

  @Test
  void fromRequest_invalidHost_rejectsNamingIndex() {
    JsonObject document = ACME.copy().put("hosts", new JsonArray().add("ok.example").add("Not_OK"));
    ValidationException e = assertThrows(ValidationException.class, () -> TenantContext.fromRequest("acme", document.toBuffer()));
    assertEquals("hosts[1]", e.field());
  }

  @Test
  void fromRequest_duplicateHost_rejectsNamingIndex() {
    JsonObject document = ACME.copy().put("hosts", new JsonArray().add("a.example").add("a.example"));
    ValidationException e = assertThrows(ValidationException.class, () -> TenantContext.fromRequest("acme", document.toBuffer()));
    assertEquals("hosts[1]", e.field());
  }

  @Test
  void fromRequest_exactly64KiB_accepted() {
    Buffer body = documentOfSize(TenantContext.MAX_BYTES);
    assertEquals(TenantContext.MAX_BYTES, body.length());
    TenantContext.fromRequest("acme", body);
  }

  @Test
  void fromRequest_oneByteOver64KiB_documentTooLarge() {
    Buffer body = documentOfSize(TenantContext.MAX_BYTES + 1);
    TenantContext.DocumentTooLargeException e =
        assertThrows(TenantContext.DocumentTooLargeException.class, () -> TenantContext.fromRequest("acme", body));
    assertEquals("body", e.field());
    assertTrue(e.getMessage().contains("65537"), e.getMessage());
  }

  @Test
  void fromRequest_hugeBody_rejectedBeforeParsing() {
    Buffer garbage = Buffer.buffer("x".repeat(TenantContext.MAX_BYTES * 4));
    assertThrows(TenantContext.DocumentTooLargeException.class, () -> TenantContext.fromRequest("acme", garbage));
  }

  @Test
  void of_fillingTenantIdPushesOver64KiB_documentTooLarge() {
    JsonObject document = new JsonObject().put("pad", "");
    int overhead = document.toBuffer().length();
    document.put("pad", "p".repeat(TenantContext.MAX_BYTES - overhead));
    assertEquals(TenantContext.MAX_BYTES, document.toBuffer().length());
    assertThrows(TenantContext.DocumentTooLargeException.class, () -> TenantContext.of("acme", document));
  }

  @Test
  void of_missingTenantId_doesNotMutateCallersDocument() {
    JsonObject document = new JsonObject().put("products", new JsonArray().add("jira"));
    TenantContext context = TenantContext.of("acme", document);
    assertFalse(document.containsKey("tenantId"));
    assertEquals("acme", context.document().getString("tenantId"));
  }

  /** A valid document for tenant acme whose encoding is exactly {@code size} bytes. */
  private static Buffer documentOfSize(int size) {
    JsonObject document = new JsonObject().put("tenantId", "acme").put("pad", "");
    int overhead = document.toBuffer().length();
    document.put("pad", "p".repeat(size - overhead));
    return document.toBuffer();
  }
}
