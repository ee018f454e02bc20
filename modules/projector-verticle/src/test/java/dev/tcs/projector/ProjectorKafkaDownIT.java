package dev.tcs.projector;

import static dev.tcs.projector.Fixtures.definitions;
import static dev.tcs.projector.Fixtures.event;
import static dev.tcs.projector.ItSupport.await;
import static dev.tcs.projector.ItSupport.status;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tcs.core.log.EventLog;
import dev.tcs.core.log.KafkaEventLog;
import dev.tcs.core.log.KafkaSettings;
import dev.tcs.core.log.Subscription;
import dev.tcs.core.model.EventType;
import dev.tcs.core.model.View;
import dev.tcs.infra.Eventually;
import dev.tcs.infra.EmbeddedKafka;
import dev.tcs.infra.FreePorts;
import dev.tcs.infra.LocalInfraExtension;
import dev.tcs.infra.TestNames;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The projector started while Kafka is down: ops up at once, ready and projecting once Kafka returns. */
@ExtendWith(LocalInfraExtension.class)
class ProjectorKafkaDownIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void deploy_kafkaDown_opsServerUpNotReadyThenProjectsOnceKafkaReturns(EmbeddedKafka kafka) throws Exception {
    Vertx vertx = Vertx.vertx();
    int port = FreePorts.one();
    ProjectorConfig config =
        ItSupport.config(kafka.bootstrapServers(), port, TestNames.unique("events"), TestNames.unique("views"), TestNames.unique("projector"));
    EventLog eventLog = new KafkaEventLog(vertx, KafkaSettings.of(kafka.bootstrapServers(), "projector-down-it"));
    kafka.stop();
    boolean down = true;
    try {
      String id = await(Projector.deploy(vertx, config, definitions(1), eventLog, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)), WAIT);

      assertEquals(200, status(port, "/health/live"));
      assertEquals(503, status(port, "/health/ready"));
      assertEquals(200, status(port, "/metrics"));

      kafka.restart();
      down = false;
      Eventually.until(WAIT, "projector ready after Kafka returned", () -> status(port, "/health/ready") == 200);
      ViewCollector views = new ViewCollector();
      Subscription reader = await(eventLog.replay(config.viewsTopic(), "it-reader", views), WAIT);
      await(eventLog.append(config.eventsTopic(), "acme", event("acme", 1, EventType.CREATED).toBuffer()), WAIT);
      List<View> out = views.awaitViews(2, WAIT);
      assertEquals(List.of("jira", "network-ingress"), out.stream().map(View::consumer).toList());

      await(reader.close(), WAIT);
      await(vertx.undeploy(id), WAIT);
      await(eventLog.close(), WAIT);
    } finally {
      if (down) {
        kafka.restart(); // later tests of this JVM need a running Kafka
      }
      await(vertx.close(), WAIT);
    }
  }
}
