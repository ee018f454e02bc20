package dev.tcs.core.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vertx.core.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class HeaderValuesTest {
  private static String copy(String text) {
    return new String(text.toCharArray());
  }

  @Test
  void text_equalTexts_sameInstance() {
    String first = HeaderValues.text(copy("\"7.2\""));

    assertSame(first, HeaderValues.text(copy("\"7.2\"")));
    assertEquals("\"7.2\"", first);
    assertNull(HeaderValues.text(null));
  }

  @Test
  void encoded_equalTexts_sameInstanceEqualToTheOptimizedValue() {
    CharSequence first = HeaderValues.encoded(copy("eu-west"));

    assertSame(first, HeaderValues.encoded(copy("eu-west")));
    assertEquals(HttpHeaders.createOptimized("eu-west"), first);
  }

  @Test
  void of_twoEntriesOfOneStamp_shareTheTagText() {
    HitHeaders a = HitHeaders.of(copy("\"9.1\""), "acme", new Stamp(9, 1), copy("us-east"), null);
    HitHeaders b = HitHeaders.of(copy("\"9.1\""), "globex", new Stamp(9, 1), copy("us-east"), null);

    assertSame(a.etagText(), b.etagText());
  }
}
