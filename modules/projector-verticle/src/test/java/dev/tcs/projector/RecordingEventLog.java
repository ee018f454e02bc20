package dev.tcs.projector;

import dev.tcs.core.log.EventLog;
import dev.tcs.core.log.RecordHandler;
import dev.tcs.core.log.Subscription;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/** An event log in memory that records appends and can be told to fail them; for unit tests. */
final class RecordingEventLog implements EventLog {
  record Appended(String topic, String key, Buffer value) {}

  final List<Appended> appended = new ArrayList<>();
  /** Appends that succeed before every further one fails; negative for never failing. */
  int failAfter = -1;

  @Override
  public Future<Void> ensureTopic(String topic, int partitions, boolean retainForever) {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> append(String topic, String key, Buffer value) {
    if (failAfter >= 0 && appended.size() >= failAfter) {
      return Future.failedFuture("kafka is down");
    }
    appended.add(new Appended(topic, key, value));
    return Future.succeededFuture();
  }

  @Override
  public Future<Subscription> subscribe(String topic, String group, RecordHandler handler) {
    return Future.failedFuture("not supported here");
  }

  @Override
  public Future<Subscription> replay(String topic, String groupPrefix, RecordHandler handler) {
    return Future.failedFuture("not supported here");
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
