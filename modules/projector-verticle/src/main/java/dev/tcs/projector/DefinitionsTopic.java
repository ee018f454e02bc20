package dev.tcs.projector;

import dev.tcs.core.log.EventLog;
import dev.tcs.core.log.LogRecord;
import dev.tcs.core.log.Subscription;
import dev.tcs.core.model.ViewDefinitions;
import io.vertx.core.Future;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a new revision of the view definitions reaches running projectors: a rebuild that passed
 * its checks appends the definitions it built with to {@code <views-topic>.definitions} (one
 * partition, retained forever); every live projector follows that topic from its start and
 * switches to a revision higher than the one it projects with, so writes made after a replay
 * keep the new shape without restarting anything. An invalid record is logged with its position
 * and skipped.
 */
final class DefinitionsTopic {
  private static final Logger log = LoggerFactory.getLogger(DefinitionsTopic.class);
  private static final String KEY = "view-definitions";

  private DefinitionsTopic() {}

  static String name(ProjectorConfig config) {
    return config.viewsTopic() + ".definitions";
  }

  static Future<Void> ensure(EventLog eventLog, ProjectorConfig config) {
    return eventLog.ensureTopic(name(config), 1, true);
  }

  static Future<Void> publish(EventLog eventLog, ProjectorConfig config, ViewDefinitions definitions) {
    return ensure(eventLog, config).compose(v -> eventLog.append(name(config), KEY, definitions.toJson().toBuffer()));
  }

  /** Calls {@code onRevision} with every valid definitions record, from the start of the topic. */
  static Future<Subscription> follow(EventLog eventLog, ProjectorConfig config, Consumer<ViewDefinitions> onRevision) {
    return ensure(eventLog, config)
        .compose(v -> eventLog.replay(name(config), config.group() + "-definitions", record -> read(record, onRevision)));
  }

  private static Future<Void> read(LogRecord record, Consumer<ViewDefinitions> onRevision) {
    try {
      onRevision.accept(ViewDefinitions.fromJson(record.value().toJsonObject()));
    } catch (RuntimeException e) {
      log.warn("view definitions record rejected position={} reason={}", record.position(), e.getMessage());
    }
    return Future.succeededFuture();
  }
}
