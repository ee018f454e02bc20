package dev.tcs.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class HostsTest {

  @ParameterizedTest
  @ValueSource(strings = {"acme.example.net", "localhost", "a.b", "x1.y-2.z3", "123.example.com", "xn--bcher-kva.example"})
  void isValid_dnsName_true(String host) {
    assertTrue(Hosts.isValid(host));
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "Acme.example.net",
        "acme..example",
        ".acme.example",
        "acme.example.",
        "-acme.example",
        "acme-.example",
        "acme_corp.example",
        "acme example",
        "acme.example.net:8080",
        "http://acme.example",
        "acme.example/path"
      })
  void isValid_notADnsName_false(String host) {
    assertFalse(Hosts.isValid(host));
  }

  @Test
  void isValid_labelOf63_trueAnd64_false() {
    assertTrue(Hosts.isValid("a".repeat(63) + ".example"));
    assertFalse(Hosts.isValid("a".repeat(64) + ".example"));
  }

  @Test
  void isValid_nameOf253_trueAnd254_false() {
    String label = "a".repeat(63);
    String name253 = label + "." + label + "." + label + "." + "a".repeat(61);
    assertEquals(253, name253.length());
    assertTrue(Hosts.isValid(name253));
    assertFalse(Hosts.isValid(name253 + "a"));
  }

  @Test
  void require_invalid_namesField() {
    ValidationException e = assertThrows(ValidationException.class, () -> Hosts.require("host", "Bad_Host"));
    assertEquals("host", e.field());
    assertTrue(e.getMessage().contains("'Bad_Host'"), e.getMessage());
  }

  @Test
  void fromJson_absent_emptyList() {
    assertEquals(List.of(), Hosts.fromJson("hosts", null));
  }

  @Test
  void fromJson_validArray_keepsOrder() {
    assertEquals(List.of("b.example", "a.example"), Hosts.fromJson("hosts", new JsonArray().add("b.example").add("a.example")));
  }

  @Test
  void fromJson_duplicate_namesSecondOccurrence() {
    ValidationException e =
        assertThrows(
            ValidationException.class,
            () -> Hosts.fromJson("hosts", new JsonArray().add("a.example").add("b.example").add("a.example")));
    assertEquals("hosts[2]", e.field());
    assertTrue(e.getMessage().contains("repeats host 'a.example'"), e.getMessage());
  }

  @Test
  void fromJson_invalidItem_namesIndex() {
    ValidationException e =
        assertThrows(ValidationException.class, () -> Hosts.fromJson("hosts", new JsonArray().add("ok.example").add("NOT OK")));
    assertEquals("hosts[1]", e.field());
  }

  @Test
  void fromJson_nonStringItem_namesIndex() {
    ValidationException e = assertThrows(ValidationException.class, () -> Hosts.fromJson("keys", new JsonArray().add(42)));
    assertEquals("keys[0]", e.field());
  }

  @Test
  void fromJson_notAnArray_namesField() {
    ValidationException e = assertThrows(ValidationException.class, () -> Hosts.fromJson("hosts", "acme.example"));
    assertEquals("hosts", e.field());
    e = assertThrows(ValidationException.class, () -> Hosts.fromJson("hosts", new JsonObject()));
    assertEquals("hosts", e.field());
  }

  @Test
  void fromJson_result_isImmutable() {
    List<String> hosts = Hosts.fromJson("hosts", new JsonArray().add("a.example"));
    assertThrows(UnsupportedOperationException.class, () -> hosts.add("b.example"));
  }
}
