package dev.tcs.projector;

import static dev.tcs.projector.ItSupport.await;

import dev.tcs.core.log.Append;
import dev.tcs.core.log.KafkaEventLog;
import dev.tcs.core.log.KafkaSettings;
import dev.tcs.core.log.Subscription;
import dev.tcs.core.model.CatalogueEvent;
import dev.tcs.core.model.View;
import dev.tcs.core.model.ViewDefinitions;
import dev.tcs.infra.EmbeddedKafka;
import dev.tcs.infra.Eventually;
import dev.tcs.infra.FreePorts;
import dev.tcs.infra.LocalInfraExtension;
import dev.tcs.infra.TestNames;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One projector test's world on the JVM's shared in-JVM Kafka: an event log, unique events and
 * views topics and group, a projector config naming them (ops server on a free port), a meter
 * registry; appends in order, deploys the projector, reads the views it publishes. Tests get one
 * as a parameter through {@link PerTest}; it is closed (projector undeployed, readers and log
 * closed) when the test ends.
 */
final class ProjectorHarness implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(30);

  /** Shared by every harness of the JVM: a Vert.x per test or per class only adds its start and close. */
  final Vertx vertx;
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final int opsPort = FreePorts.one();
  final KafkaSettings settings;
  final KafkaEventLog eventLog;
  final ProjectorConfig config;
  private final List<String> deployments = new ArrayList<>();
  private final List<Subscription> readers = new ArrayList<>();

  /** @param clientId the Kafka client id prefix, naming the test in the broker's logs */
  private ProjectorHarness(Vertx vertx, EmbeddedKafka kafka, String clientId) {
    this.vertx = vertx;
    settings = KafkaSettings.of(kafka.bootstrapServers(), clientId);
    eventLog = new KafkaEventLog(vertx, settings);
    config = ItSupport.config(kafka.bootstrapServers(), opsPort, TestNames.unique("events"), TestNames.unique("views"), TestNames.unique("projector"));
  }

  String eventsTopic() {
    return config.eventsTopic();
  }

  String viewsTopic() {
    return config.viewsTopic();
  }

  /** Creates the events topic (retained forever, as the catalogue creates it) with {@code partitions}. */
  ProjectorHarness withEventsTopic(int partitions) throws Exception {
    await(eventLog.ensureTopic(eventsTopic(), partitions, true), WAIT);
    return this;
  }

  ProjectorHarness withViewsTopic(int partitions) throws Exception {
    await(eventLog.ensureTopic(viewsTopic(), partitions, false), WAIT);
    return this;
  }

  /** Appends the events to the events topic one after the other, each keyed by its tenant. */
  void appendEvents(CatalogueEvent... events) throws Exception {
    List<Append> records = new ArrayList<>(events.length);
    for (CatalogueEvent event : events) {
      records.add(new Append(event.tenantId(), event.toBuffer()));
    }
    appendInOrder(eventsTopic(), records);
  }

  /** Appends the views to the views topic one after the other, each keyed by its tenant (as the projector publishes them). */
  void appendViews(List<View> views) throws Exception {
    appendInOrder(viewsTopic(), views.stream().map(view -> new Append(view.tenantId(), view.toBuffer())).toList());
  }

  void append(String topic, String key, Buffer value) throws Exception {
    await(eventLog.append(topic, key, value), WAIT);
  }

  /** Appends {@code records} one after the other, each once the previous is acknowledged. */
  void appendInOrder(String topic, List<Append> records) throws Exception {
    Future<Void> chain = Future.succeededFuture();
    for (Append record : records) {
      chain = chain.compose(v -> eventLog.append(topic, record.key(), record.value()));
    }
    await(chain, WAIT);
  }

  /** Deploys the projector with {@code definitions} and waits until its ops server says ready. */
  void deployReady(ViewDefinitions definitions) throws Exception {
    deployments.add(await(Projector.deploy(vertx, config, definitions, eventLog, registry), WAIT));
    Eventually.until(WAIT, "projector ready", () -> ItSupport.status(opsPort, "/health/ready") == 200);
  }

  /** A reader of the views topic from its start, closed with the harness. */
  ViewCollector readViews() throws Exception {
    ViewCollector collector = new ViewCollector();
    readers.add(await(eventLog.replay(viewsTopic(), "it-reader", collector), WAIT));
    return collector;
  }

  RebuildResult rebuild(ViewDefinitions definitions) throws Exception {
    return await(Projector.rebuild(vertx, config, definitions, eventLog, registry), WAIT);
  }

  RebuildResult rebuild(ViewDefinitions definitions, RebuildOptions options) throws Exception {
    return await(Projector.rebuild(vertx, config, definitions, eventLog, registry, options), WAIT);
  }

  /** The end offset of every partition of {@code topic}. */
  Map<Integer, Long> ends(String topic) throws Exception {
    return await(new KafkaEndPositions(vertx, settings).of(topic), WAIT);
  }

  @Override
  public void close() throws Exception {
    for (Subscription reader : readers) {
      await(reader.close(), WAIT);
    }
    for (String id : deployments) {
      await(vertx.undeploy(id), WAIT);
    }
    await(eventLog.close(), WAIT);
  }

  /**
   * Resolves a {@link ProjectorHarness} parameter: one per test (the same instance in its
   * {@code @BeforeEach} and in the test), on the infrastructure of {@link LocalInfraExtension},
   * named after the test class, closed when the test ends. The Vert.x they share is closed when
   * the run ends.
   */
  static final class PerTest implements ParameterResolver {
    private static final Namespace NAMESPACE = Namespace.create(ProjectorHarness.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      return parameter.getParameter().getType() == ProjectorHarness.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      EmbeddedKafka kafka = LocalInfraExtension.shared(context).kafka(); // first, so the run closes Vert.x before Kafka
      Vertx vertx = context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(SharedVertx.class, key -> new SharedVertx(Vertx.vertx()), SharedVertx.class).vertx();
      String clientId = context.getRequiredTestClass().getSimpleName();
      return context.getStore(NAMESPACE).getOrComputeIfAbsent(ProjectorHarness.class, key -> new ProjectorHarness(vertx, kafka, clientId), ProjectorHarness.class);
    }
  }

  /** JUnit closes stored {@link AutoCloseable} values when their context ends. */
  private record SharedVertx(Vertx vertx) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      await(vertx.close(), WAIT);
    }
  }
}
