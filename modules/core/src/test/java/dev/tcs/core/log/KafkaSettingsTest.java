package dev.tcs.core.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.config.ConfigException;
import dev.tcs.core.config.Settings;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaSettingsTest {
  @Test
  void from_tlsAndSaslProperties_passThrough() {
    JsonObject kafka =
        new JsonObject()
            .put("bootstrap-servers", "b:9093")
            .put(
                "properties",
                new JsonObject()
                    .put("security.protocol", "SASL_SSL")
                    .put("sasl.mechanism", "SCRAM-SHA-512")
                    .put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"tcs\" password=\"pw\";")
                    .put("ssl.truststore.location", "/etc/tcs/ca.p12"));
    KafkaSettings settings = KafkaSettings.from(Settings.of("kafka", kafka));
    assertEquals("SASL_SSL", settings.properties().get("security.protocol"));
    assertEquals(4, settings.properties().size());
    assertFalse(settings.toString().contains("pw"), settings.toString());
    assertEquals(Map.of(), KafkaSettings.of("b:9092", "x").properties());
  }

  @Test
  void from_otherProperty_refusedNamingIt() {
    JsonObject kafka = new JsonObject().put("bootstrap-servers", "b:9093").put("properties", new JsonObject().put("acks", "0"));
    ConfigException e = assertThrows(ConfigException.class, () -> KafkaSettings.from(Settings.of("kafka", kafka)));
    assertTrue(e.getMessage().startsWith("kafka.properties.acks is not a TLS or SASL property"), e.getMessage());
  }
}
