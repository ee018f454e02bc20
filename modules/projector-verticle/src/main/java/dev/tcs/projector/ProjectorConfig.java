package dev.tcs.projector;

import dev.tcs.core.config.ConfigException;
import dev.tcs.core.config.Settings;
import dev.tcs.core.http.Tls;
import dev.tcs.core.log.KafkaSettings;
import dev.tcs.core.model.Topics;
import dev.tcs.core.security.Hmac;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The projector's configuration, read from {@code config/projector.yaml} (env prefix
 * {@code TCS_PROJECTOR}).
 *
 * <pre>
 * http:      {host: 127.0.0.1, port: 8085}          # ops only: /metrics, /health/live, /health/ready
 * kafka:     {bootstrap-servers: 127.0.0.1:9092, client-id, delivery-timeout, commit-interval}
 * auth:      {view-key: ...}                        # required: the shared secret every view is tagged with
 * projector:
 *   group: tcs-projector                            # consumer group of the events topic
 *   events-topic: tcs.catalogue.events              # consumed
 *   views-topic: tcs.views                          # produced
 *   partitions: 4                                   # used when the projector creates a topic
 *   views-file: views.yaml                          # relative to the config directory
 * </pre>
 *
 * @param httpHost the ops server's interface
 * @param httpPort the ops server's port (0 picks a free one)
 * @param kafka how to reach Kafka
 * @param group the consumer group of the live projector; a rebuild reads with no group, and its rare second pass (tenants whose newest record is invalid) uses {@code <group>-rebuild-recover-replay-<random>}
 * @param eventsTopic the catalogue events topic (consumed)
 * @param viewsTopic the views topic (produced)
 * @param partitions partitions of a topic the projector creates (existing topics are left as they are)
 * @param viewsFile the view definitions file, relative to the config directory
 * @param viewKey tags every view appended to the views topic (regions drop untagged ones)
 */
public record ProjectorConfig(
    String httpHost,
    int httpPort,
    KafkaSettings kafka,
    String group,
    String eventsTopic,
    String viewsTopic,
    int partitions,
    String viewsFile,
    Hmac viewKey,
    Tls.Server tls) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8085;
  public static final String DEFAULT_GROUP = "tcs-projector";
  public static final int DEFAULT_PARTITIONS = 4;
  public static final String DEFAULT_VIEWS_FILE = "views.yaml";

  /** Kafka's rule for topic names and the rule this module applies to group names. */
  private static final Pattern KAFKA_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,200}");

  /**
   * Reads the whole component file: sections {@code http}, {@code kafka} and {@code projector}.
   *
   * @param root the loaded YAML, environment overrides applied
   * @throws ConfigException naming the key when a key is unknown, missing or breaks its rule
   */
  public static ProjectorConfig from(Settings root) {
    root.allowOnly("http", "kafka", "auth", "projector");
    Settings http = root.section("http").allowOnly("host", "port", "tls");
    Settings projector = root.section("projector").allowOnly("group", "events-topic", "views-topic", "partitions", "views-file");
    String eventsTopic = kafkaName(projector, "events-topic", Topics.CATALOGUE_EVENTS);
    String viewsTopic = kafkaName(projector, "views-topic", Topics.VIEWS);
    projector.check(!eventsTopic.equals(viewsTopic), "views-topic", "must differ from " + projector.key("events-topic"));
    return new ProjectorConfig(
        http.string("host", DEFAULT_HOST),
        http.port("port", DEFAULT_PORT),
        KafkaSettings.from(root.section("kafka")),
        kafkaName(projector, "group", DEFAULT_GROUP),
        eventsTopic,
        viewsTopic,
        projector.integer("partitions", 1, 1_000, DEFAULT_PARTITIONS),
        projector.string("views-file", DEFAULT_VIEWS_FILE),
        Hmac.fromConfig(root.section("auth").allowOnly("view-key"), "view-key"),
        Tls.server(http));
  }

  /** The view definitions file: {@link #viewsFile} resolved against {@code configDir}. */
  public Path viewsPath(Path configDir) {
    return configDir.resolve(viewsFile);
  }

  private static String kafkaName(Settings section, String key, String defaultValue) {
    String value = section.string(key, defaultValue);
    section.check(KAFKA_NAME.matcher(value).matches(), key, "must match " + KAFKA_NAME.pattern());
    return value;
  }
}
