package dev.tcs.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TestNamesTest {

  @Test
  void unique_validPrefix_returnsDistinctLegalNames() {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String name = TestNames.unique("tcs.views_A-1");
      assertTrue(name.matches("tcs\\.views_A-1-[a-z0-9]{8}"), name);
      names.add(name);
    }
    assertEquals(1000, names.size());
  }

  @Test
  void unique_badPrefix_throwsNamingRuleAndValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TestNames.unique("a b"));
    assertEquals("prefix must match [a-zA-Z0-9._-]{1,200}, but was 'a b'", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TestNames.unique(""));
    assertThrows(IllegalArgumentException.class, () -> TestNames.unique(null));
  }
}
