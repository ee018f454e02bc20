package dev.tcs.core.log;

import dev.tcs.core.config.ConfigException;
import dev.tcs.core.config.Settings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How to reach Kafka.
 *
 * @param bootstrapServers {@code host:port,...}
 * @param clientId prefix of every client id this process opens
 * @param deliveryTimeout how long an append may take before it fails (Kafka down)
 * @param commitInterval how often processed positions are committed
 * @param properties Kafka client properties for TLS and SASL ({@code security.protocol},
 *     {@code ssl.*}, {@code sasl.*}), given to every producer, consumer and admin client
 */
public record KafkaSettings(String bootstrapServers, String clientId, Duration deliveryTimeout, Duration commitInterval, Map<String, String> properties) {
  public KafkaSettings {
    properties = Map.copyOf(properties);
  }

  /** Settings without TLS or SASL properties (plaintext, as the embedded broker of the demo and the tests). */
  public KafkaSettings(String bootstrapServers, String clientId, Duration deliveryTimeout, Duration commitInterval) {
    this(bootstrapServers, clientId, deliveryTimeout, commitInterval, Map.of());
  }

  /**
   * Reads section {@code kafka}: {@code bootstrap-servers}, {@code client-id}, {@code delivery-timeout},
   * {@code commit-interval}, and {@code properties}, a mapping of Kafka client properties limited
   * to {@code security.protocol}, {@code ssl.*} and {@code sasl.*} (e.g. {@code security.protocol:
   * SASL_SSL}, {@code sasl.mechanism: SCRAM-SHA-512}, {@code sasl.jaas.config: ...},
   * {@code ssl.truststore.location: /etc/tcs/kafka-ca.p12}), plus the consumer-group liveness
   * settings {@code session.timeout.ms} and {@code heartbeat.interval.ms} (how soon a consumer
   * that died without leaving, a SIGKILLed region say, hands its partitions to its restart).
   */
  public static KafkaSettings from(Settings kafka) {
    kafka.allowOnly("bootstrap-servers", "client-id", "delivery-timeout", "commit-interval", "properties");
    return new KafkaSettings(
        kafka.string("bootstrap-servers"),
        kafka.string("client-id", "tcs"),
        kafka.duration("delivery-timeout", Duration.ofSeconds(30)),
        kafka.duration("commit-interval", Duration.ofMillis(500)),
        properties(kafka.section("properties")));
  }

  public static KafkaSettings of(String bootstrapServers, String clientId) {
    return new KafkaSettings(bootstrapServers, clientId, Duration.ofSeconds(30), Duration.ofMillis(500));
  }

  /** Hides the values: {@code sasl.jaas.config} holds a password. */
  @Override
  public String toString() {
    return "KafkaSettings[bootstrapServers=" + bootstrapServers + ", clientId=" + clientId + ", deliveryTimeout=" + deliveryTimeout
        + ", commitInterval=" + commitInterval + ", properties=" + properties.keySet() + "]";
  }

  /** Properties only a consumer knows; producers and admin clients are not given them. */
  public static final java.util.Set<String> GROUP_LIVENESS = java.util.Set.of("session.timeout.ms", "heartbeat.interval.ms");

  private static Map<String, String> properties(Settings section) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : section.json().fieldNames()) {
      if (!name.equals("security.protocol") && !name.startsWith("ssl.") && !name.startsWith("sasl.") && !GROUP_LIVENESS.contains(name)) {
        throw new ConfigException(
            section.key(name) + " is not a TLS or SASL property; allowed here: security.protocol, ssl.*, sasl.*, session.timeout.ms, heartbeat.interval.ms");
      }
      Object value = section.json().getValue(name);
      if (value == null || value instanceof io.vertx.core.json.JsonObject || value instanceof io.vertx.core.json.JsonArray) {
        throw new ConfigException(section.key(name) + " must be a single value");
      }
      out.put(name, String.valueOf(value));
    }
    return out;
  }
}
