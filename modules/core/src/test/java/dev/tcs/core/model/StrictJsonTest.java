package dev.tcs.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class StrictJsonTest {
  private static JsonObject parse(String text, int depth) {
    return StrictJson.parseObject("body", Buffer.buffer(text), depth);
  }

  private static ValidationException refused(String text, int depth) {
    return assertThrows(ValidationException.class, () -> parse(text, depth));
  }

  /** Regression: Vert.x read 1e400 as Infinity, and the catalogue stored the string "Infinity". */
  @Test
  void parse_numberOutsideDoubleRange_refusedNamingItsPointer() {
    ValidationException e = refused("{\"jira\":{\"pool\":1e400}}", 32);
    assertEquals("body", e.field());
    assertTrue(e.getMessage().contains("'/jira/pool'"), e.getMessage());
    refused("{\"n\":-1e400}", 32);
    refused("{\"n\":1e-400}", 32);
  }

  @Test
  void parse_moreDigitsThanADoubleKeeps_refused() {
    refused("{\"n\":0.10000000000000000000000000001}", 32);
    refused("{\"n\":12345678901234567890.5}", 32);
  }

  @Test
  void parse_numbersADoubleHoldsAndIntegersOfAnySize_keptExactly() {
    JsonObject json = parse("{\"a\":0.1,\"b\":1.50,\"c\":-2.5e-3,\"d\":123456789012345678901234567890,\"e\":9223372036854775807}", 32);
    assertEquals(0.1, json.getDouble("a"));
    assertEquals(1.5, json.getDouble("b"));
    assertEquals(-0.0025, json.getDouble("c"));
    assertEquals(new BigInteger("123456789012345678901234567890"), json.getValue("d"));
    assertEquals("{\"a\":0.1,\"b\":1.5,\"c\":-0.0025,\"d\":123456789012345678901234567890,\"e\":9223372036854775807}", json.encode());
  }

  @Test
  void parse_deeperThanLimit_refused() {
    assertEquals(1, parse("{\"a\":" + "[".repeat(30) + "]".repeat(30) + "}", 32).size());
    assertTrue(refused("{\"a\":" + "[".repeat(32) + "]".repeat(32) + "}", 32).getMessage().contains("nested deeper than 32"));
    assertTrue(refused("{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}", 32).getMessage().contains("nested deeper"));
    assertTrue(refused("{\"a\":" + "{\"a\":".repeat(200) + "1" + "}".repeat(200) + "}", 1_000).getMessage().contains("nested deeper than 64"));
  }

  @Test
  void parse_repeatedKeyTrailingValueOrUnpairedSurrogate_refused() {
    refused("{\"a\":1,\"a\":2}", 32);
    refused("{\"a\":1} {\"b\":2}", 32);
    refused("{\"a\":1} x", 32);
    refused("{\"a\":\"\\ud800\"}", 32);
    refused("{\"\\udc00\":1}", 32);
    assertEquals("\uD83D\uDE00", parse("{\"a\":\"\\ud83d\\ude00\"}", 32).getString("a"));
  }

  @Test
  void parse_notJson_refusedWithLocationButNotTheToken() {
    ValidationException e = refused("{\"password\":s3cret}", 32);
    assertTrue(e.getMessage().startsWith("body is not valid JSON (line 1, column"), e.getMessage());
    assertTrue(!e.getMessage().contains("s3cret"), e.getMessage());
    refused("[1,2]", 32);
    refused("NaN", 32);
    refused("{\"n\":NaN}", 32);
  }
}
