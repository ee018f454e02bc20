package dev.tcs.region;

import com.hazelcast.core.HazelcastInstance;
import dev.tcs.core.auth.AuthConfig;
import dev.tcs.core.auth.Principal;
import dev.tcs.core.auth.Tokens;
import dev.tcs.core.config.Settings;
import dev.tcs.core.dynamo.DynamoClients;
import dev.tcs.core.dynamo.DynamoSettings;
import dev.tcs.core.log.KafkaEventLog;
import dev.tcs.core.log.KafkaSettings;
import dev.tcs.core.model.View;
import dev.tcs.core.model.ViewDefinitions;
import dev.tcs.core.security.Hmac;
import dev.tcs.core.security.ViewTags;
import dev.tcs.infra.FreePorts;
import dev.tcs.infra.LocalInfra;
import dev.tcs.infra.TestNames;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * One region deployed on real in-JVM infrastructure (the shared Kafka and Hazelcast of {@code
 * infra}, and the DynamoDB at {@code dynamoEndpoint}), with unique names, an HTTP client and
 * helpers to publish views and read answers. Tests drive it only from outside.
 */
final class RegionHarness implements AutoCloseable {
  static final ViewDefinitions VIEWS =
      ViewDefinitions.fromJson(
          new JsonObject()
              .put("revision", 1)
              .put("consumers", new JsonObject().put("jira", new JsonObject().put("include", new JsonArray().add("/jira").add("/products")))));

  final Vertx vertx = Vertx.vertx();
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final RegionConfig config;
  final Tokens tokens;
  private final KafkaEventLog eventLog;
  private final DynamoDbAsyncClient dynamo;
  private final HttpClient http;
  private final Context clientContext;
  private String deploymentId;

  /** An answer as the client saw it. */
  record Answer(int status, MultiMap headers, Buffer body) {
    JsonObject json() {
      return body.toJsonObject();
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  /**
   * @param tweak changes to the config before it is read (e.g. the region's {@code cache} section)
   */
  RegionHarness(LocalInfra infra, URI dynamoEndpoint, Consumer<JsonObject> tweak) {
    int port = FreePorts.one();
    JsonObject json = configJson(infra, dynamoEndpoint, port);
    tweak.accept(json);
    config = RegionConfig.from(Settings.of("", json));
    tokens = new Tokens(vertx, AuthConfig.from(config.auth(), Path.of("../../config")));
    eventLog = new KafkaEventLog(vertx, KafkaSettings.of(infra.kafka().bootstrapServers(), "region-harness"));
    eventLog.ensureTopic(config.viewsTopic(), 1, false).await();
    dynamo = DynamoClients.createCompletingOnIoThreads(DynamoSettings.local(dynamoEndpoint));
    HazelcastInstance member = infra.hazelcastMember(config.hazelcast().clusterName());
    deploymentId = Region.deploy(vertx, config, VIEWS, dynamo, eventLog, member, tokens, registry, Clock.systemUTC()).await();
    clientContext = vertx.getOrCreateContext();
    http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
  }

  /** Publishes jira's view of a small document at {@code version}. */
  void publish(String tenant, long version) {
    JsonObject document =
        new JsonObject()
            .put("tenantId", tenant)
            .put("products", new JsonArray().add("jira"))
            .put("jira", new JsonObject().put("db-user", tenant + "_jira").put("n", version));
    View view = new View(tenant, "jira", version, 1, List.of(), false, VIEWS.slice("jira", document));
    eventLog.append(config.viewsTopic(), tenant, ViewTags.tag(Hmac.of(KEY), view.toBuffer())).await();
  }

  /** A GET with a reader token of consumer jira. */
  Answer read(String path) {
    return get(path, tokens.issue("jira", Set.of(Principal.READER), Duration.ofMinutes(10)));
  }

  /** A GET with {@code token} (null for none), on the harness's own context (vert.x issue 5904). */
  Answer get(String path, String token) {
    return send(HttpMethod.GET, path, token, null);
  }

  Answer send(HttpMethod method, String path, String token, JsonObject body) {
    Promise<Answer> answer = Promise.promise();
    clientContext.runOnContext(
        v ->
            http.request(new RequestOptions().setMethod(method).setURI(path).setConnectTimeout(5_000).setIdleTimeout(10_000))
                .compose(
                    request -> {
                      if (token != null) {
                        request.putHeader("Authorization", "Bearer " + token);
                      }
                      if (body == null) {
                        return request.send();
                      }
                      request.putHeader("Content-Type", "application/json");
                      return request.send(body.toBuffer());
                    })
                .compose(response -> response.body().map(b -> new Answer(response.statusCode(), response.headers(), b)))
                .onComplete(answer));
    return answer.future().await();
  }

  /** The view and invalidation key of the harness's region (at least 32 characters, not the demo's). */
  static final String KEY = "harness-secret-for-views-and-invalidations-0123456789";

  private static JsonObject configJson(LocalInfra infra, URI dynamoEndpoint, int port) {
    return new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", port))
        .put("kafka", new JsonObject().put("bootstrap-servers", infra.kafka().bootstrapServers()))
        .put("dynamodb", new JsonObject().put("endpoint", dynamoEndpoint.toString()))
        .put(
            "auth",
            new JsonObject()
                .put("public-key", "demo-keys/jwt-public.pem")
                .put("private-key", "demo-keys/jwt-private.pem")
                .put("issuer", "tcs-demo")
                .put("audience", "tcs")
                .put("view-key", KEY)
                .put("invalidation-key", KEY))
        .put(
            "region",
            new JsonObject()
                .put("name", "it-" + TestNames.unique("r").replaceAll("[^a-z0-9]", ""))
                .put("table-prefix", TestNames.unique("tcs-views"))
                .put("views-topic", TestNames.unique("tcs.views"))
                .put("read-instances", 1)
                .put("cache", new JsonObject()))
        .put("hazelcast", new JsonObject().put("cluster-name", TestNames.unique("tcs-it")));
  }

  @Override
  public void close() {
    if (deploymentId != null) {
      vertx.undeploy(deploymentId).await();
      deploymentId = null;
    }
    eventLog.close().await();
    dynamo.close();
    vertx.close().await();
  }
}
