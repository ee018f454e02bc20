package dev.tcs.catalogue.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 7396, appendix A: every example, plus immutability of the inputs. */
class MergePatchTest {
  @ParameterizedTest(name = "{0} + {1} = {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"a\":\"b\"}                   | {\"a\":\"c\"}              | {\"a\":\"c\"}",
        "{\"a\":\"b\"}                   | {\"b\":\"c\"}              | {\"a\":\"b\",\"b\":\"c\"}",
        "{\"a\":\"b\"}                   | {\"a\":null}               | {}",
        "{\"a\":\"b\",\"b\":\"c\"}       | {\"a\":null}               | {\"b\":\"c\"}",
        "{\"a\":[\"b\"]}                 | {\"a\":\"c\"}              | {\"a\":\"c\"}",
        "{\"a\":\"c\"}                   | {\"a\":[\"b\"]}            | {\"a\":[\"b\"]}",
        "{\"a\":{\"b\":\"c\"}}           | {\"a\":{\"b\":\"d\",\"c\":null}} | {\"a\":{\"b\":\"d\"}}",
        "{\"a\":[{\"b\":\"c\"}]}         | {\"a\":[1]}                | {\"a\":[1]}",
        "[\"a\",\"b\"]                   | [\"c\",\"d\"]              | [\"c\",\"d\"]",
        "{\"a\":\"b\"}                   | [\"c\"]                    | [\"c\"]",
        "{\"a\":\"foo\"}                 | null                       | null",
        "{\"a\":\"foo\"}                 | \"bar\"                    | \"bar\"",
        "{\"e\":null}                    | {\"a\":1}                  | {\"e\":null,\"a\":1}",
        "[1,2]                           | {\"a\":\"b\",\"c\":null}   | {\"a\":\"b\"}",
        "{}                              | {\"a\":{\"bb\":{\"ccc\":null}}} | {\"a\":{\"bb\":{}}}",
      })
  void apply_rfc7396Examples_giveTheRfcResult(String target, String patch, String expected) {
    Object result = MergePatch.apply(Json.decodeValue(target.trim()), Json.decodeValue(patch.trim()));

    assertEquals(Json.decodeValue(expected.trim()), result);
  }

  @Test
  void apply_neverModifiesItsInputs() {
    JsonObject target = new JsonObject("{\"a\":{\"b\":1},\"c\":[1]}");
    JsonObject patch = new JsonObject("{\"a\":{\"b\":null,\"x\":{\"y\":2}},\"c\":null}");
    JsonObject targetCopy = target.copy();
    JsonObject patchCopy = patch.copy();

    JsonObject result = (JsonObject) MergePatch.apply(target, patch);
    ((JsonObject) result.getJsonObject("a").getValue("x")).put("y", 3);

    assertEquals(targetCopy, target);
    assertEquals(patchCopy, patch);
    assertEquals(new JsonObject("{\"a\":{\"x\":{\"y\":3}}}"), result);
  }
}
