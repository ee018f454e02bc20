package dev.tcs.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.catalogue.testing.BadInputs;
import dev.tcs.catalogue.testing.Http;
import dev.tcs.catalogue.testing.Http.Answer;
import dev.tcs.catalogue.testing.TopicReader;
import dev.tcs.core.model.CatalogueEvent;
import dev.tcs.infra.LocalInfra;
import dev.tcs.infra.LocalInfraExtension;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Many writers on one tenant: exactly one wins each version, nothing is lost, no gap. */
@ExtendWith(LocalInfraExtension.class)
class ConcurrentWritersIT {
  private static final int WRITERS = 50;
  private static CatalogueHarness catalogue;
  private static Http http;

  @BeforeAll
  static void deploy(LocalInfra infra) {
    catalogue = new CatalogueHarness(infra.dynamo().endpoint(), infra.kafka().bootstrapServers()).deploy();
    http = catalogue.http();
  }

  @AfterAll
  static void close() {
    catalogue.close();
  }

  @Test
  void ifMatch_50WritersOnTheSameVersion_exactlyOneWins() throws Exception {
    double racesBefore = lostRaces();
    // On a busy machine the winner may commit before the others even read the head (then they all
    // get 412 without racing): repeat on a fresh tenant until some append actually lost a race.
    for (int round = 0; round < 5 && lostRaces() == racesBefore; round++) {
      String tenant = "race-one-" + round;
      String path = "/v1/tenants/" + tenant;
      assertEquals(201, http.put(path, BadInputs.document(tenant)).status());

      List<Answer> answers =
          concurrently(i -> () -> http.request("PUT", path).header("If-Match", "\"1\"").json(BadInputs.document(tenant).put("writer", i)).send());

      long won = answers.stream().filter(a -> a.status() == 200).count();
      long refused = answers.stream().filter(a -> a.status() == 412).count();
      assertEquals(1, won, answers::toString);
      assertEquals(WRITERS - 1, refused, answers::toString);
      Answer head = http.get(path);
      assertEquals(2, head.version());
      int winner = answers.indexOf(answers.stream().filter(a -> a.status() == 200).findFirst().orElseThrow());
      assertEquals(winner, head.json().getJsonObject("document").getInteger("writer"));
    }
    assertRaced(racesBefore);
  }

  @Test
  void ifMatch_50ReadModifyWriteLoops_loseNoUpdateAndLeaveNoGap() throws Exception {
    String tenant = "race-all";
    String path = "/v1/tenants/" + tenant;
    assertEquals(201, http.put(path, BadInputs.document(tenant)).status());

    double racesBefore = lostRaces();
    List<Answer> answers =
        concurrently(
            i ->
                () -> {
                  for (int attempt = 0; ; attempt++) {
                    Answer current = http.get(path);
                    JsonObject document = current.json().getJsonObject("document").put("w" + i, true);
                    Answer written = http.request("PUT", path).header("If-Match", current.header("ETag")).json(document).send();
                    if (written.status() != 412) {
                      return written;
                    }
                    // Back off like a polite client: random, growing with each lost race.
                    long ceiling = Math.min(200, 5L << Math.min(attempt, 5));
                    LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(1, ceiling) * 1_000_000);
                  }
                });

    assertTrue(answers.stream().allMatch(a -> a.status() == 200), answers::toString);
    List<Long> versions = answers.stream().map(Answer::version).sorted().toList();
    assertEquals(LongStream.rangeClosed(2, WRITERS + 1).boxed().toList(), versions);
    JsonObject finalDocument = http.get(path).json().getJsonObject("document");
    for (int i = 0; i < WRITERS; i++) {
      assertEquals(true, finalDocument.getBoolean("w" + i), "update of writer " + i + " was lost");
    }
    assertRaced(racesBefore);
    List<Long> history = new ArrayList<>();
    JsonObject page = http.get(path + "/history?limit=100").json();
    page.getJsonArray("items").forEach(item -> history.add(((JsonObject) item).getLong("version")));
    assertEquals(LongStream.rangeClosed(1, WRITERS + 1).map(v -> WRITERS + 2 - v).boxed().toList(), history);

    try (TopicReader reader = catalogue.reader()) {
      List<CatalogueEvent> events = reader.readUntil(e -> TopicReader.hasAll(e, tenant, WRITERS + 1), Duration.ofSeconds(30));
      assertEquals(LongStream.rangeClosed(1, WRITERS + 1).boxed().toList(), TopicReader.firstSeen(events, tenant));
    }
  }

  @Test
  void noIfMatch_concurrentPuts_getDistinctVersionsOrA409() throws Exception {
    String path = "/v1/tenants/race-blind";
    assertEquals(201, http.put(path, BadInputs.document("race-blind")).status());

    double racesBefore = lostRaces();
    List<Answer> answers = concurrently(i -> () -> http.put(path, BadInputs.document("race-blind").put("writer", i)));

    List<Long> won = answers.stream().filter(a -> a.status() == 200).map(Answer::version).sorted().toList();
    assertTrue(answers.stream().allMatch(a -> a.status() == 200 || a.status() == 409), answers::toString);
    assertEquals(won.size(), won.stream().distinct().count(), won::toString);
    assertEquals(LongStream.rangeClosed(2, won.size() + 1).boxed().toList(), won);
    assertEquals(won.size() + 1, http.get(path).version());
    assertRaced(racesBefore);
  }

  /** Appends that lost a race for a version (the event store refused them), so far. */
  private static double lostRaces() {
    return catalogue.registry.get(CatalogueMetrics.APPEND).tag("outcome", "conflict").timer().count();
  }

  /** Fails unless some append lost a race since {@code before}: otherwise the test proved nothing. */
  private static void assertRaced(double before) {
    double lost = lostRaces() - before;
    assertTrue(lost > 0, "no append lost a race for a version: the writers did not race, so the test proved nothing");
  }

  /** Runs one task per writer, all released at once, and returns their answers in writer order. */
  private static List<Answer> concurrently(java.util.function.IntFunction<Callable<Answer>> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Answer>> futures = new ArrayList<>();
      for (int i = 0; i < WRITERS; i++) {
        Callable<Answer> call = task.apply(i);
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return call.call();
                }));
      }
      start.countDown();
      List<Answer> answers = new ArrayList<>();
      for (Future<Answer> future : futures) {
        answers.add(future.get());
      }
      return answers;
    } finally {
      pool.shutdownNow();
    }
  }
}
