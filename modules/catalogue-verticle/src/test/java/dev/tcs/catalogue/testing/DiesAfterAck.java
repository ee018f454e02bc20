package dev.tcs.catalogue.testing;

import dev.tcs.core.log.EventLog;
import dev.tcs.core.log.RecordHandler;
import dev.tcs.core.log.Subscription;
import dev.tcs.core.model.CatalogueEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real event log that "dies" right after the broker acked one chosen event: that append reaches
 * the topic, but its caller never hears of it (the future never completes), and every later append
 * is never made. This is a process killed between Kafka's ack and the outbox's mark.
 */
public final class DiesAfterAck implements EventLog {
  private final EventLog real;
  private final String tenantId;
  private final long version;
  private final CountDownLatch acked = new CountDownLatch(1);
  private volatile boolean dead;

  /** Dies after the ack of {@code tenantId}'s event {@code version}. */
  public DiesAfterAck(EventLog real, String tenantId, long version) {
    this.real = real;
    this.tenantId = tenantId;
    this.version = version;
  }

  @Override
  public Future<Void> ensureTopic(String topic, int partitions, boolean retainForever) {
    return real.ensureTopic(topic, partitions, retainForever);
  }

  @Override
  public Future<Void> append(String topic, String key, Buffer value) {
    if (dead) {
      return Promise.<Void>promise().future();
    }
    CatalogueEvent event = CatalogueEvent.fromBuffer(value);
    if (!event.tenantId().equals(tenantId) || event.version() != version) {
      return real.append(topic, key, value);
    }
    dead = true;
    Promise<Void> never = Promise.promise();
    real.append(topic, key, value).onSuccess(v -> acked.countDown());
    return never.future();
  }

  /** Waits until the chosen event was acked by the broker. */
  public void awaitAck(long seconds) throws InterruptedException {
    if (!acked.await(seconds, TimeUnit.SECONDS)) {
      throw new AssertionError("event " + version + " of " + tenantId + " was never acked");
    }
  }

  @Override
  public Future<Subscription> subscribe(String topic, String group, RecordHandler handler) {
    return real.subscribe(topic, group, handler);
  }

  @Override
  public Future<Subscription> replay(String topic, String groupPrefix, RecordHandler handler) {
    return real.replay(topic, groupPrefix, handler);
  }

  @Override
  public Future<Void> close() {
    return real.close();
  }
}
