package dev.tcs.catalogue.testing;

import dev.tcs.core.log.EventLog;
import dev.tcs.core.log.RecordHandler;
import dev.tcs.core.log.Subscription;
import dev.tcs.core.model.CatalogueEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An event log in memory that can be "down"; records what it accepted. While {@link #hold held},
 * appends stay unanswered until {@link #answerHeld} answers them, as a producer does while its
 * broker is away.
 */
public final class FakeEventLog implements EventLog {
  private final List<CatalogueEvent> accepted = new ArrayList<>();
  private final List<HeldAppend> held = new ArrayList<>();
  private boolean holding;
  private final AtomicInteger topicFailures = new AtomicInteger();
  private volatile boolean down;
  private volatile int topicsEnsured;

  public void down(boolean down) {
    this.down = down;
  }

  /** The next {@code n} topic creations fail. */
  public void failTopicCreation(int n) {
    topicFailures.set(n);
  }

  /** While {@code holding}, appends are neither accepted nor failed until {@link #answerHeld}. */
  public synchronized void hold(boolean holding) {
    this.holding = holding;
  }

  /** Answers every held append in the order it was made: accepted, or failed while the log is down. */
  public void answerHeld() {
    List<HeldAppend> answering;
    synchronized (this) {
      answering = List.copyOf(held);
      held.clear();
    }
    for (HeldAppend append : answering) {
      appendNow(append.key(), append.value()).onComplete(append.answer());
    }
  }

  /**
   * Fails the first held append and accepts the others, as a Kafka producer does when its send of
   * the first timed out waiting for the topic's metadata (max.block.ms) and the broker was back
   * for the next.
   */
  public void failFirstHeld() {
    List<HeldAppend> answering;
    synchronized (this) {
      answering = List.copyOf(held);
      held.clear();
    }
    for (int i = 0; i < answering.size(); i++) {
      HeldAppend append = answering.get(i);
      if (i == 0) {
        append.answer().fail("Topic events not present in metadata after 5000 ms.");
      } else {
        appendNow(append.key(), append.value()).onComplete(append.answer());
      }
    }
  }

  /** Fails the held appends of {@code key} (a send the producer gave up on), and keeps the others held. */
  public void failHeld(String key) {
    List<HeldAppend> failing = new ArrayList<>();
    synchronized (this) {
      held.removeIf(append -> append.key().equals(key) && failing.add(append));
    }
    failing.forEach(append -> append.answer().fail("Expiring 1 record(s) for events-0: 5000 ms has passed since batch creation"));
  }

  /** Appends waiting for {@link #answerHeld}. */
  public synchronized int heldCount() {
    return held.size();
  }

  public int topicsEnsured() {
    return topicsEnsured;
  }

  public synchronized List<CatalogueEvent> accepted() {
    return List.copyOf(accepted);
  }

  /** The versions accepted for one tenant, in the order they were accepted. */
  public synchronized List<Long> versions(String tenantId) {
    return accepted.stream().filter(e -> e.tenantId().equals(tenantId)).map(CatalogueEvent::version).toList();
  }

  @Override
  public Future<Void> ensureTopic(String topic, int partitions, boolean retainForever) {
    if (down || topicFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return Future.failedFuture("kafka unreachable");
    }
    topicsEnsured++;
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> append(String topic, String key, Buffer value) {
    if (holding) {
      Promise<Void> answer = Promise.promise();
      held.add(new HeldAppend(key, value, answer));
      return answer.future();
    }
    return appendNow(key, value);
  }

  private synchronized Future<Void> appendNow(String key, Buffer value) {
    if (down) {
      return Future.failedFuture("kafka unreachable");
    }
    CatalogueEvent event = CatalogueEvent.fromJson(new JsonObject(value.toString()));
    if (!event.tenantId().equals(key)) {
      return Future.failedFuture("key " + key + " is not the tenant " + event.tenantId());
    }
    accepted.add(event);
    return Future.succeededFuture();
  }

  private record HeldAppend(String key, Buffer value, Promise<Void> answer) {}

  @Override
  public Future<Subscription> subscribe(String topic, String group, RecordHandler handler) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Future<Subscription> replay(String topic, String groupPrefix, RecordHandler handler) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
