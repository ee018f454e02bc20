package dev.tcs.projector;

import dev.tcs.core.log.EventLog;
import dev.tcs.core.log.LogRecord;
import dev.tcs.core.log.Subscription;
import dev.tcs.core.model.ViewDefinitions;
import dev.tcs.core.security.SignedDefinitions;
import io.vertx.core.Future;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a new revision of the view definitions reaches running projectors: a rebuild that passed
 * its checks appends the definitions it built with to {@code <views-topic>.definitions} (one
 * partition, retained forever); every live projector follows that topic from its start and
 * switches to a revision higher than the one it projects with, so writes made after a replay
 * keep the new shape without restarting anything. Records are tagged with the view key
 * ({@link SignedDefinitions}; regions follow the topic too, for their view guard); an invalid or
 * untagged record is logged with its position and skipped.
 */
final class DefinitionsTopic {
  private static final Logger log = LoggerFactory.getLogger(DefinitionsTopic.class);
  private static final String KEY = "view-definitions";

  private DefinitionsTopic() {}

  static String name(ProjectorConfig config) {
    return SignedDefinitions.topic(config.viewsTopic());
  }

  static Future<Void> ensure(EventLog eventLog, ProjectorConfig config) {
    return eventLog.ensureTopic(name(config), 1, true);
  }

  static Future<Void> publish(EventLog eventLog, ProjectorConfig config, ViewDefinitions definitions) {
    return ensure(eventLog, config).compose(v -> eventLog.append(name(config), KEY, SignedDefinitions.seal(config.viewKey(), definitions)));
  }

  /** Calls {@code onRevision} with every valid definitions record, from the start of the topic. */
  static Future<Subscription> follow(EventLog eventLog, ProjectorConfig config, Consumer<ViewDefinitions> onRevision) {
    return ensure(eventLog, config)
        .compose(v -> eventLog.replay(name(config), config.group() + "-definitions", record -> read(config, record, onRevision)));
  }

  private static Future<Void> read(ProjectorConfig config, LogRecord record, Consumer<ViewDefinitions> onRevision) {
    try {
      onRevision.accept(SignedDefinitions.open(config.viewKey(), record.value()));
    } catch (RuntimeException e) {
      log.warn("view definitions record rejected position={} reason={}", record.position(), e.getMessage());
    }
    return Future.succeededFuture();
  }
}
