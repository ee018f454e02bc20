package dev.tcs.region.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tcs.core.model.Invalidation;
import dev.tcs.core.model.View;
import dev.tcs.region.store.ApplyResult;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class ViewIngesterTest {
  private final View view = new View("acme", "jira", 4, 1, List.of("b.example.net"), false, new JsonObject());

  @Test
  void invalidationOf_noHostRemoved_isTheCoreInvalidation() {
    assertEquals(Invalidation.of(view), ViewIngester.invalidationOf(view, new ApplyResult(true, List.of())));
  }

  @Test
  void invalidationOf_hostsRemoved_carriesThemToo() {
    Invalidation invalidation = ViewIngester.invalidationOf(view, new ApplyResult(true, List.of("a.example.net")));
    assertEquals(List.of("b.example.net", "a.example.net"), invalidation.keys());
    assertEquals(4, invalidation.version());
  }
}
