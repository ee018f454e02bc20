package dev.tcs.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class TenantIdsTest {

  @ParameterizedTest
  @ValueSource(strings = {"acme", "abc", "0ab", "a-b", "tenant-42", "abc-", "a--b"})
  void isValid_matchingRule_true(String id) {
    assertTrue(TenantIds.isValid(id));
  }

  @Test
  void isValid_randomStrings_agreesWithTheRuleAsARegex() {
    java.util.regex.Pattern rule = java.util.regex.Pattern.compile(TenantIds.RULE);
    java.util.Random random = new java.util.Random(7);
    String alphabet = "abz09-A_.é/";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder id = new StringBuilder();
      int length = random.nextInt(67);
      for (int j = 0; j < length; j++) {
        id.append(alphabet.charAt(random.nextInt(random.nextInt(10) < 8 ? 6 : alphabet.length())));
      }
      assertEquals(rule.matcher(id).matches(), TenantIds.isValid(id.toString()), id::toString);
    }
  }

  @Test
  void isValid_longestAllowed_true() {
    assertTrue(TenantIds.isValid("a" + "b".repeat(62)));
  }

  @Test
  void isValid_oneTooLong_false() {
    assertFalse(TenantIds.isValid("a" + "b".repeat(63)));
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"ab", "Acme", "-acme", "ac me", "acme!", "ac_me", "acme.example", "ÄBC", "acme\n"})
  void isValid_breakingRule_false(String id) {
    assertFalse(TenantIds.isValid(id));
  }

  @Test
  void require_valid_returnsValue() {
    assertEquals("acme", TenantIds.require("tenantId", "acme"));
  }

  @Test
  void require_invalid_namesFieldRuleAndValue() {
    ValidationException e = assertThrows(ValidationException.class, () -> TenantIds.require("id", "A!"));
    assertEquals("id", e.field());
    assertEquals("id must match [a-z0-9][a-z0-9-]{2,62}, but was 'A!'", e.getMessage());
  }

  @Test
  void require_null_saysNull() {
    ValidationException e = assertThrows(ValidationException.class, () -> TenantIds.require("tenantId", null));
    assertTrue(e.getMessage().endsWith("but was null"), e.getMessage());
  }

  @Test
  void quote_controlCharactersAndLongValues_neverEchoedRaw() {
    assertEquals("'a?b'", ValidationException.quote("a\nb"));
    String quoted = ValidationException.quote("x".repeat(200));
    assertEquals(82, quoted.length());
    assertTrue(quoted.endsWith("...'"));
  }
}
