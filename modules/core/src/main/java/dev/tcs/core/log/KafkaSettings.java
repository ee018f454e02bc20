package dev.tcs.core.log;

import dev.tcs.core.config.Settings;
import java.time.Duration;

/**
 * How to reach Kafka.
 *
 * @param bootstrapServers {@code host:port,...}
 * @param clientId prefix of every client id this process opens
 * @param deliveryTimeout how long an append may take before it fails (Kafka down)
 * @param commitInterval how often processed positions are committed
 */
public record KafkaSettings(String bootstrapServers, String clientId, Duration deliveryTimeout, Duration commitInterval) {
  /** Reads section {@code kafka}: {@code bootstrap-servers}, {@code client-id}, {@code delivery-timeout}, {@code commit-interval}. */
  public static KafkaSettings from(Settings kafka) {
    kafka.allowOnly("bootstrap-servers", "client-id", "delivery-timeout", "commit-interval");
    return new KafkaSettings(
        kafka.string("bootstrap-servers"),
        kafka.string("client-id", "tcs"),
        kafka.duration("delivery-timeout", Duration.ofSeconds(30)),
        kafka.duration("commit-interval", Duration.ofMillis(500)));
  }

  public static KafkaSettings of(String bootstrapServers, String clientId) {
    return new KafkaSettings(bootstrapServers, clientId, Duration.ofSeconds(30), Duration.ofMillis(500));
  }
}
