package dev.tcs.core.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.log.BatchHandler;
import dev.tcs.core.log.LogRecord;
import dev.tcs.core.model.ValidationException;
import dev.tcs.core.model.View;
import dev.tcs.core.model.ViewDefinitions;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ViewGuardTest {
  private static final Hmac KEY = Hmac.of("a-test-view-key-of-at-least-32-characters");
  private static final JsonObject DOCUMENT =
      new JsonObject().put("tenantId", "acme").put("jira", new JsonObject().put("a", 1)).put("hosts", new JsonArray().add("acme.example"));

  private final List<List<LogRecord>> handed = new ArrayList<>();
  private final AtomicInteger forged = new AtomicInteger();
  private final AtomicInteger overreach = new AtomicInteger();
  private final KnownDefinitions known = new KnownDefinitions(definitions(1, "/jira"));
  private final BatchHandler guard =
      ViewGuard.inFrontOf(records -> {
        handed.add(records);
        return Future.succeededFuture();
      }, KEY, known, forged::incrementAndGet, overreach::incrementAndGet, "test");

  @Test
  void batch_dropsForgedAndOverreach_handsTheRestOnInOrder() {
    LogRecord good = record(0, KEY, view(1, 1, definitions(1, "/jira")));
    LogRecord wrongKey = record(1, Hmac.of("another-view-key-of-at-least-32-characters"), view(2, 1, definitions(1, "/jira")));
    LogRecord untagged = new LogRecord("views", 0, 2, "acme", view(3, 1, definitions(1, "/jira")).toBuffer(), 0);
    LogRecord wider = record(3, KEY, view(4, 1, definitions(1, "/jira", "/hosts")));
    LogRecord alsoGood = record(4, KEY, view(5, 1, definitions(1, "/jira")));

    assertTrue(guard.handle(List.of(good, wrongKey, untagged, wider, alsoGood)).succeeded());

    assertEquals(List.of(List.of(good, alsoGood)), handed);
    assertEquals(2, forged.get());
    assertEquals(1, overreach.get());
  }

  @Test
  void batchOfOnlyDroppedViews_succeedsWithoutHandingOn() {
    assertTrue(guard.handle(List.of(record(0, KEY, view(1, 1, definitions(1, "/jira", "/hosts"))))).succeeded());
    assertEquals(List.of(), handed);
    assertEquals(1, overreach.get());
  }

  @Test
  void viewOfUnknownNewerRevision_failsTheBatchUntilItsSignedDefinitionsArrive() {
    ViewDefinitions wider = definitions(2, "/jira", "/hosts");
    List<LogRecord> batch = List.of(record(0, KEY, view(1, 1, definitions(1, "/jira"))), record(1, KEY, view(2, 2, wider)));

    assertTrue(guard.handle(batch).failed(), "waits for revision 2");
    assertEquals(List.of(), handed, "nothing of the batch is applied while it waits");

    known.add(SignedDefinitions.open(KEY, SignedDefinitions.seal(KEY, wider)));
    assertTrue(guard.handle(batch).succeeded());
    assertEquals(List.of(batch), handed);
    assertEquals(0, overreach.get());
  }

  @Test
  void olderRevisionNotKnown_isCheckedAgainstTheNewest() {
    KnownDefinitions two = new KnownDefinitions(definitions(3, "/jira"));
    assertEquals(definitions(3, "/jira").revision(), two.forRevision(1).orElseThrow().revision());
    assertTrue(two.forRevision(4).isEmpty());
  }

  @Test
  void definitionsWithoutTheKeysTag_areRefused() {
    Buffer sealed = SignedDefinitions.seal(Hmac.of("another-view-key-of-at-least-32-characters"), definitions(2, "/jira"));
    ValidationException e = assertThrows(ValidationException.class, () -> SignedDefinitions.open(KEY, sealed));
    assertEquals(ViewTags.FIELD, e.field());
    assertThrows(ValidationException.class, () -> SignedDefinitions.open(KEY, definitions(2, "/jira").toJson().toBuffer()));
  }

  private static ViewDefinitions definitions(long revision, String... include) {
    return ViewDefinitions.fromJson(
        new JsonObject()
            .put("revision", revision)
            .put("consumers", new JsonObject().put("jira", new JsonObject().put("include", new JsonArray(List.of((Object[]) include))))));
  }

  private static View view(long version, long revision, ViewDefinitions shape) {
    return new View("acme", "jira", version, revision, List.of(), false, shape.slice("jira", DOCUMENT));
  }

  private static LogRecord record(long offset, Hmac key, View view) {
    return new LogRecord("views", 0, offset, "acme", ViewTags.tag(key, view.toBuffer()), 0);
  }
}
