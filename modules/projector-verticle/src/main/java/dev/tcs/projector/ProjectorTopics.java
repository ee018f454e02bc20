package dev.tcs.projector;

import dev.tcs.core.log.EventLog;
import io.vertx.core.Future;

/** The two topics the projector works between, created if absent: one place for the projector and the rebuild. */
final class ProjectorTopics {
  private ProjectorTopics() {}

  /** Ensures the views topic (the log's default retention) and the events topic (retained forever: the replay source). */
  static Future<Void> ensure(EventLog eventLog, ProjectorConfig config) {
    return eventLog
        .ensureTopic(config.viewsTopic(), config.partitions(), false)
        .compose(views -> eventLog.ensureTopic(config.eventsTopic(), config.partitions(), true));
  }
}
