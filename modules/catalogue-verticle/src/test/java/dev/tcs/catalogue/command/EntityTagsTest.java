package dev.tcs.catalogue.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.http.HttpProblem;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class EntityTagsTest {
  @Test
  void format_version_isQuoted() {
    assertEquals("\"42\"", EntityTags.format(42));
  }

  @Test
  void parse_absentHeader_returnsNull() {
    assertNull(EntityTags.parse("If-Match", null));
  }

  @Test
  void parse_star_matchesEverything() {
    EntityTags tags = EntityTags.parse("If-Match", " * ");
    assertTrue(tags.any());
    assertTrue(tags.matches(7));
  }

  @Test
  void parse_oneVersion_matchesOnlyIt() {
    EntityTags tags = EntityTags.parse("If-Match", "\"3\"");
    assertEquals(Set.of(3L), tags.versions());
    assertTrue(tags.matches(3));
    assertFalse(tags.matches(4));
  }

  @Test
  void parse_list_matchesAnyListed() {
    EntityTags tags = EntityTags.parse("If-None-Match", "\"1\", \"5\",\"9\"");
    assertEquals(Set.of(1L, 5L, 9L), tags.versions());
  }

  @Test
  void parse_formatOfVersion_roundTrips() {
    assertTrue(EntityTags.parse("If-Match", EntityTags.format(Long.MAX_VALUE)).matches(Long.MAX_VALUE));
  }

  @ParameterizedTest
  @ValueSource(strings = {"3", "W/\"3\"", "\"abc\"", "\"\"", "\"0\"", "\"-1\"", "\"3", "3\"", "\"99999999999999999999\"", "", " ", "\"1\",", "*, \"1\"", "\"1\" \"2\""})
  void parse_malformed_throws400NamingHeader(String value) {
    HttpProblem problem = assertThrows(HttpProblem.class, () -> EntityTags.parse("If-Match", value));
    assertEquals(400, problem.status());
    assertEquals("If-Match", problem.field());
  }
}
