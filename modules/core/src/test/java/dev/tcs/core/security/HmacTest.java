package dev.tcs.core.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.config.ConfigException;
import dev.tcs.core.config.Settings;
import dev.tcs.core.model.ValidationException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class HmacTest {
  private static final String SECRET = "a-secret-of-more-than-thirty-two-characters";

  @Test
  void sealThenOpen_returnsTheMessage_andAnyChangeIsRefused() {
    Hmac key = Hmac.of(SECRET);
    String sealed = key.seal("{\"tenantId\":\"acme\",\"version\":3}");
    assertEquals("{\"tenantId\":\"acme\",\"version\":3}", key.open(sealed));
    assertThrows(ValidationException.class, () -> key.open(sealed.replace("3}", "4}")));
    assertThrows(ValidationException.class, () -> key.open("{\"tenantId\":\"acme\",\"version\":3}"));
    assertThrows(ValidationException.class, () -> Hmac.of(SECRET + "x").open(sealed));
    assertThrows(ValidationException.class, () -> key.open(null));
  }

  @Test
  void fromConfig_missingOrShort_namesKeyAndNeverShowsTheValue() {
    ConfigException missing =
        assertThrows(ConfigException.class, () -> Hmac.fromConfig(Settings.of("auth", new JsonObject().put("view-key", "")), "view-key"));
    assertTrue(missing.getMessage().startsWith("auth.view-key is required"), missing.getMessage());
    ConfigException shortOne =
        assertThrows(ConfigException.class, () -> Hmac.fromConfig(Settings.of("auth", new JsonObject().put("view-key", "hunter2")), "view-key"));
    assertFalse(shortOne.getMessage().contains("hunter2"), shortOne.getMessage());
    assertFalse(Hmac.of(SECRET).toString().contains(SECRET));
  }

  @Test
  void viewTags_tagThenVerify_roundTripsAndRefusesAnEdit() {
    Hmac key = Hmac.of(SECRET);
    Buffer view = new JsonObject().put("tenantId", "acme").put("version", 3).put("body", new JsonObject().put("n", 0.1).put("big", new java.math.BigInteger("123456789012345678901234567890"))).toBuffer();
    Buffer tagged = ViewTags.tag(key, view);
    assertEquals(view.toJsonObject(), ViewTags.verify(key, tagged));
    JsonObject edited = tagged.toJsonObject().put("version", 4);
    ValidationException e = assertThrows(ValidationException.class, () -> ViewTags.verify(key, edited.toBuffer()));
    assertEquals("tag", e.field());
    assertEquals("tag", assertThrows(ValidationException.class, () -> ViewTags.verify(key, view)).field());
  }

  @Test
  void viewTags_tagOfJson_isTheRecordTaggingItsEncodingGives_andVerifies() {
    Hmac key = Hmac.of(SECRET);
    JsonObject document =
        dev.tcs.core.model.JsonFields.parseObject(
            "doc",
            Buffer.buffer(
                "{\"tenantId\":\"acme\",\"n\":0.1,\"e\":1.0E20,\"i\":7,\"l\":12345678901,\"big\":123456789012345678901234567890,"
                    + "\"s\":\"qu\\\"ote \\\\ tab\\t \\u2028 \u00e9 \ud83d\ude00 </x>\",\"z\":null,\"a\":[true,false,{\"x\":[]}],\"o\":{}}"));
    dev.tcs.core.model.View view = new dev.tcs.core.model.View("acme", "jira", 3, 2, java.util.List.of("acme.example.net"), false, document);
    Buffer tagged = ViewTags.tag(key, view.toJson());
    // The same JSON and tag as tagging the encoded view (the bytes may differ: toBuffer() escapes
    // characters outside the BMP, encode() does not; both parse to the same strings).
    assertEquals(ViewTags.tag(key, view.toBuffer()).toJsonObject(), tagged.toJsonObject());
    assertEquals(view, dev.tcs.core.model.View.fromJson(ViewTags.verify(key, tagged)));
    assertEquals(ViewTags.tag(key, new JsonObject().toBuffer()).toJsonObject(), ViewTags.tag(key, new JsonObject()).toJsonObject());
    assertThrows(IllegalArgumentException.class, () -> ViewTags.tag(key, new JsonObject().put("tag", "x")));
  }
}
