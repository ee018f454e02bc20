package dev.tcs.projector;

import dev.tcs.core.log.KafkaSettings;
import dev.tcs.core.retry.Backoff;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * {@link EndPositions} from Kafka's latest offsets, read with a short-lived plain admin client
 * on a worker thread (the vertx admin client's offset calls break on Kafka 4 clients). A topic
 * created a moment ago may not be known to the broker yet; that is retried for a few seconds.
 * Blocks only the worker, for at most about twice {@link #TIMEOUT_SECONDS} per attempt.
 */
final class KafkaEndPositions implements EndPositions {
  private static final long TIMEOUT_SECONDS = 30;
  private static final int MAX_ATTEMPTS = 20;
  private static final Backoff RETRY = Backoff.exponential(Duration.ofMillis(100), Duration.ofMillis(500));

  private final Vertx vertx;
  private final KafkaSettings settings;

  KafkaEndPositions(Vertx vertx, KafkaSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
  }

  @Override
  public Future<Map<Integer, Long>> of(String topic) {
    return RETRY.retry(
        vertx,
        MAX_ATTEMPTS,
        attempt -> vertx.executeBlocking(() -> endOffsets(topic), false),
        done -> done.failed() && done.cause() instanceof UnknownTopicOrPartitionException);
  }

  private Map<Integer, Long> endOffsets(String topic) throws Exception {
    Map<String, Object> config = new HashMap<>();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    config.putAll(settings.properties());
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, settings.clientId() + "-rebuild-admin");
    try (Admin admin = Admin.create(config)) {
      TopicDescription description =
          admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic);
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      description.partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
      Map<Integer, Long> ends = new HashMap<>();
      admin
          .listOffsets(latest)
          .all()
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
          .forEach((partition, info) -> ends.put(partition.partition(), info.offset()));
      return Map.copyOf(ends);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }
}
