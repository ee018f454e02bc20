package dev.tcs.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonFieldsTest {

  /**
   * Regression: Vert.x 5's {@code Buffer.toJson()} is the buffer's own JSON encoding (a base64
   * string), so parseObject called every JSON object "not a JSON object" and every codec built
   * on it (TenantContext.fromRequest, CatalogueEvent.fromBuffer, View.fromBuffer) refused all input.
   */
  @Test
  void parseObject_jsonObject_parsed() {
    JsonObject parsed = JsonFields.parseObject("body", Buffer.buffer("{\"tenantId\":\"acme\",\"n\":[1,2]}"));
    assertEquals(new JsonObject().put("tenantId", "acme").put("n", new JsonArray().add(1).add(2)), parsed);
  }

  /** Regression: the parser's message, quoting the offending token (maybe a password), went into the error. */
  @Test
  void parseObject_invalidJson_saysWhereButNeverEchoesTheInput() {
    Buffer body = Buffer.buffer("{\"jira\": {\"db-password\": hunter2}}");
    ValidationException e = assertThrows(ValidationException.class, () -> JsonFields.parseObject("body", body));
    assertEquals("body", e.field());
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    assertTrue(e.getMessage().startsWith("body is not valid JSON (line 1, column "), e.getMessage());
  }

  @Test
  void parseObject_trailingGarbage_rejected() {
    assertThrows(ValidationException.class, () -> JsonFields.parseObject("body", Buffer.buffer("{} {}")));
  }

  @Test
  void string_emptyOrMissing_namesField() {
    JsonObject json = new JsonObject().put("a", "").put("b", 3);
    assertEquals("a must be a non-empty string, but was ''", assertThrows(ValidationException.class, () -> JsonFields.string(json, "a")).getMessage());
    assertEquals("b", assertThrows(ValidationException.class, () -> JsonFields.string(json, "b")).field());
    assertEquals("c", assertThrows(ValidationException.class, () -> JsonFields.string(json, "c")).field());
  }

  @Test
  void longAtLeast_integralNumbersOnly() {
    JsonObject json = new JsonObject().put("ok", 5L).put("whole", 5.0).put("frac", 5.5).put("low", 0);
    assertEquals(5L, JsonFields.longAtLeast(json, "ok", 1));
    assertEquals(5L, JsonFields.longAtLeast(json, "whole", 1));
    assertEquals("frac", assertThrows(ValidationException.class, () -> JsonFields.longAtLeast(json, "frac", 1)).field());
    assertEquals("low", assertThrows(ValidationException.class, () -> JsonFields.longAtLeast(json, "low", 1)).field());
  }

  @Test
  void longAtLeast_beyondLong_rejected() {
    JsonObject json = JsonFields.parseObject("x", Buffer.buffer("{\"v\": 123456789012345678901234567890}"));
    assertThrows(ValidationException.class, () -> JsonFields.longAtLeast(json, "v", 1));
  }

  @Test
  void optionalReads_absentIsNullOrDefault() {
    JsonObject json = new JsonObject();
    assertNull(JsonFields.optionalString(json, "s"));
    assertNull(JsonFields.optionalObject(json, "o"));
    assertTrue(JsonFields.bool(json, "b", true));
    assertEquals(List.of(), JsonFields.strings(json, "l"));
  }

  @Test
  void strings_nonStringItem_namesIndex() {
    JsonObject json = new JsonObject().put("l", new JsonArray().add("a").add(1));
    assertEquals("l[1]", assertThrows(ValidationException.class, () -> JsonFields.strings(json, "l")).field());
  }

  @Test
  void instant_notIso_namesField() {
    JsonObject json = new JsonObject().put("at", "21/11/2026");
    assertEquals("at", assertThrows(ValidationException.class, () -> JsonFields.instant(json, "at")).field());
  }
}
