package dev.tcs.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.HazelcastInstance;
import dev.tcs.core.auth.AuthConfig;
import dev.tcs.core.auth.Principal;
import dev.tcs.core.read.ReadApi;
import dev.tcs.core.auth.Tokens;
import dev.tcs.core.config.Settings;
import dev.tcs.core.dynamo.DynamoClients;
import dev.tcs.core.dynamo.DynamoSettings;
import dev.tcs.core.log.Append;
import dev.tcs.core.log.KafkaEventLog;
import dev.tcs.core.log.KafkaSettings;
import dev.tcs.core.model.Invalidation;
import dev.tcs.core.model.View;
import dev.tcs.core.model.ViewDefinitions;
import dev.tcs.core.security.Hmac;
import dev.tcs.core.security.SignedDefinitions;
import dev.tcs.core.security.ViewTags;
import dev.tcs.infra.FreePorts;
import dev.tcs.infra.LocalInfra;
import dev.tcs.infra.LocalInfraExtension;
import dev.tcs.infra.TestNames;
import io.micrometer.core.instrument.Counter;
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
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One region against the real in-JVM Kafka, DynamoDB Local and a Hazelcast member, driven from
 * outside: views go in on the views topic; what is checked is the HTTP answer, the table's rows,
 * the Hazelcast topic and the meters. Each test uses its own tenants; the topic, table and
 * cluster are unique to this class.
 */
@ExtendWith(LocalInfraExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RegionIT {
  private static final String REGION = "it-east";
  private static final String KEY = "test-secret-for-views-and-invalidations-0123456789";
  private static final Duration PATIENCE = Duration.ofSeconds(20);
  private static final ViewDefinitions VIEWS =
      ViewDefinitions.fromJson(
          new JsonObject()
              .put("revision", 1)
              .put(
                  "consumers",
                  new JsonObject()
                      .put("jira", new JsonObject().put("include", new JsonArray().add("/jira").add("/products")))
                      .put("network-ingress", new JsonObject().put("include", new JsonArray().add("/network-ingress").add("/hosts")))));

  private static Vertx vertx;
  private static PrometheusMeterRegistry registry;
  private static KafkaEventLog eventLog;
  private static DynamoDbAsyncClient dynamo;
  private static HazelcastInstance member;
  private static Tokens tokens;
  private static HttpClient http;
  private static HttpClient http2;
  private static Context clientContext;
  private static RegionConfig config;
  private static String deploymentId;
  private static final BlockingQueue<String> invalidations = new LinkedBlockingQueue<>();

  @BeforeAll
  static void deployRegion(LocalInfra infra) throws IOException {
    vertx = Vertx.vertx();
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    int port = FreePorts.one();
    config = RegionConfig.from(Settings.of("", configJson(infra, port)));
    tokens = new Tokens(vertx, AuthConfig.from(config.auth(), Path.of("../../config")));
    eventLog = new KafkaEventLog(vertx, KafkaSettings.of(infra.kafka().bootstrapServers(), "region-it"));
    eventLog.ensureTopic(config.viewsTopic(), 2, false).await();
    dynamo = DynamoClients.createCompletingOnIoThreads(DynamoSettings.local(infra.dynamo().endpoint()));
    member = infra.hazelcastMember(config.hazelcast().clusterName());
    member.<String>getReliableTopic(Invalidation.TOPIC).addMessageListener(message -> invalidations.add(Hmac.of(KEY).open(message.getMessageObject())));

    deploymentId = Region.deploy(vertx, config, VIEWS, dynamo, eventLog, member, tokens, registry, Clock.systemUTC()).await();

    clientContext = vertx.getOrCreateContext();
    http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
    http2 =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setDefaultHost("127.0.0.1")
                .setDefaultPort(port)
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false));
  }

  @AfterAll
  static void undeployRegion() {
    if (deploymentId != null) {
      vertx.undeploy(deploymentId).await();
      assertTrue(
          http.request(new RequestOptions().setMethod(HttpMethod.GET).setURI("/health/live").setConnectTimeout(2_000)).transform(ar -> io.vertx.core.Future.succeededFuture(ar.failed())).await(),
          "undeploying the region stops its read verticles");
      assertNull(registry.find(RegionMetrics.READS).tag("region", REGION).counter(), "and removes its meters");
    }
    if (eventLog != null) {
      eventLog.close().await();
    }
    if (dynamo != null) {
      dynamo.close();
    }
    if (vertx != null) {
      vertx.close().await();
    }
  }

  @Test
  void read_publishedView_answersEachConsumerOnlyItsSlice() {
    String tenant = tenant();
    String host = tenant + ".example.net";
    publish(document(tenant, List.of(host)), 1, 1, false);

    Answer jira = eventually(() -> get("/v1/tenants/" + tenant + "/context", "jira"), a -> a.status() == 200);
    JsonObject jiraBody = jira.json();
    assertEquals(tenant, jiraBody.getString("tenantId"));
    assertEquals("s3cret", jiraBody.getJsonObject("jira").getString("db-password"));
    assertEquals(new JsonArray().add("jira").add("confluence"), jiraBody.getJsonArray("products"));
    assertNull(jiraBody.getValue("network-ingress"));
    assertNull(jiraBody.getValue("hosts"));
    assertEquals("\"1.1\"", jira.headers().get("ETag"));
    assertEquals("1", jira.headers().get("TCS-Version"));
    assertEquals("1", jira.headers().get("TCS-Revision"));
    assertEquals(REGION, jira.headers().get("TCS-Region"));
    assertEquals(tenant, jira.headers().get("TCS-Tenant"));
    assertEquals("application/json", jira.headers().get("Content-Type"));

    // A token's first read is verified by the routed path; once verified, a cached value is
    // answered by the fast path: the same headers and body, and no generated request id. (The
    // region's own invalidation of the published view may arrive after the first reads and drop
    // the cached value once; the next read caches it again.)
    String reader = tokens.issue("jira", Set.of(Principal.READER), Duration.ofMinutes(11));
    Answer routed = get(http, "/v1/tenants/" + tenant + "/context", reader, null);
    Answer fast = eventually(() -> get(http, "/v1/tenants/" + tenant + "/context", reader, null), a -> a.headers().get("X-Request-Id") == null);
    assertEquals(200, fast.status());
    assertEquals(routed.json(), fast.json());
    for (String header : List.of("ETag", "TCS-Version", "TCS-Revision", "TCS-Region", "TCS-Tenant", "Content-Type")) {
      assertEquals(routed.headers().get(header), fast.headers().get(header), header);
    }
    assertNotNull(routed.headers().get("X-Request-Id"), "the routed answer keeps its request id");
    assertNull(fast.headers().get("X-Request-Id"), "a fast-path hit carries no generated request id");

    Answer ingress = eventually(() -> get("/v1/tenants/" + tenant + "/context", "network-ingress"), a -> a.status() == 200);
    JsonObject ingressBody = ingress.json();
    assertNull(ingressBody.getValue("jira"), "network-ingress never sees jira's credentials");
    assertNull(ingressBody.getValue("products"));
    assertEquals("http://jira-us-east.internal", ingressBody.getJsonObject("network-ingress").getString("/"));
    assertEquals(new JsonArray().add(host), ingressBody.getJsonArray("hosts"));

    Answer ingressByHost = eventually(() -> get("/v1/hosts/" + host + "/context", "network-ingress"), a -> a.status() == 200);
    assertEquals(ingressBody, ingressByHost.json());
    assertEquals(tenant, ingressByHost.headers().get("TCS-Tenant"));
    Answer jiraByHost = get("/v1/hosts/" + host.toUpperCase() + "/context", "jira");
    assertEquals(200, jiraByHost.status(), "host names are case-insensitive");
    assertNull(jiraByHost.json().getValue("network-ingress"));
  }

  @Test
  void read_http2PriorKnowledge_answers() {
    String tenant = tenant();
    publish(document(tenant, List.of()), 1, 1, false);
    Answer answer = eventually(() -> get(http2, "/v1/tenants/" + tenant + "/context", token("jira"), null), a -> a.status() == 200);
    assertEquals(HttpVersion.HTTP_2, answer.version());
    assertEquals("\"1.1\"", answer.headers().get("etag"));
    assertEquals(REGION, answer.headers().get("tcs-region"));
  }

  @Test
  void read_matchingIfNoneMatch_answers304() {
    String tenant = tenant();
    publish(document(tenant, List.of()), 3, 1, false);
    String path = "/v1/tenants/" + tenant + "/context";
    Answer first = eventually(() -> get(path, "jira"), a -> a.status() == 200);

    Answer again = get(http, path, token("jira"), first.headers().get("ETag"));
    assertEquals(304, again.status());
    assertEquals(0, again.body().length());
    assertEquals("\"3.1\"", again.headers().get("ETag"));
    assertEquals(200, get(http, path, token("jira"), "\"2.1\"").status());
  }

  @Test
  void read_badRequests_answerProblems() {
    Answer noToken = get(http, "/v1/tenants/acme/context", null, null);
    assertEquals(401, noToken.status());
    assertEquals("application/problem+json", noToken.headers().get("Content-Type"));

    Answer stranger = get("/v1/tenants/acme/context", "billing");
    assertEquals(403, stranger.status());

    Answer badId = get("/v1/tenants/A!/context", "jira");
    assertEquals(400, badId.status());
    assertEquals("tenantId", badId.json().getString("field"));

    Answer badHost = get("/v1/hosts/-bad-.example/context", "jira");
    assertEquals(400, badHost.status());
    assertEquals("host", badHost.json().getString("field"));

    Answer unknown = get("/v1/tenants/" + tenant() + "/context", "jira");
    assertEquals(404, unknown.status());
    assertEquals("application/problem+json", unknown.headers().get("Content-Type"));
    assertEquals(REGION, unknown.headers().get("TCS-Region"));
    assertEquals(null, unknown.headers().get("TCS-Version"), "nothing stored: no version to speak of");
    assertEquals(null, unknown.headers().get("TCS-Tenant"));
    assertEquals(404, get("/v1/hosts/nobody.example.net/context", "jira").status());
  }

  @Test
  void session_exchangedForAReaderToken_readsLikeIt() {
    String tenant = tenant();
    publish(document(tenant, List.of()), 1, 1, false);
    String path = "/v1/tenants/" + tenant + "/context";
    String bearer = "Bearer " + token("jira");
    Answer byToken = eventually(() -> send(http2, HttpMethod.GET, path, bearer, null), a -> a.status() == 200);

    Answer opened = send(http2, HttpMethod.POST, ReadApi.SESSIONS_ROUTE, bearer, null);
    assertEquals(200, opened.status(), opened.body().toString());
    String session = opened.json().getString("authorization");
    Answer bySession = send(http2, HttpMethod.GET, path, session, null);
    Answer uncached = send(http2, HttpMethod.GET, "/v1/tenants/" + tenant() + "/context", session, null);
    Answer unknown = send(http2, HttpMethod.GET, path, "Session " + "A".repeat(22), null);
    Answer writer = send(http2, HttpMethod.POST, ReadApi.SESSIONS_ROUTE, "Bearer " + tokens.issue("jira", Set.of(Principal.WRITER), Duration.ofMinutes(10)), null);

    assertEquals(200, bySession.status());
    assertEquals(byToken.body(), bySession.body());
    assertEquals(byToken.headers().get("etag"), bySession.headers().get("etag"));
    assertEquals(404, uncached.status(), "the routed path accepts the session too");
    assertEquals(401, unknown.status());
    assertEquals("application/problem+json", unknown.headers().get("Content-Type"));
    assertEquals(403, writer.status());
  }

  /** Regression: the region accepted any valid token whose subject names a consumer, a writer token included. */
  @Test
  void read_tokenWithoutReaderRole_403() {
    String tenant = tenant();
    publish(document(tenant, List.of()), 1, 1, false);
    eventually(() -> get("/v1/tenants/" + tenant + "/context", "jira"), a -> a.status() == 200);
    for (Set<String> roles : List.of(Set.of(Principal.WRITER), Set.<String>of())) {
      Answer answer = get(http, "/v1/tenants/" + tenant + "/context", tokens.issue("jira", roles, Duration.ofMinutes(10)), null);
      assertEquals(403, answer.status(), "roles " + roles);
      assertEquals("application/problem+json", answer.headers().get("Content-Type"));
      assertEquals(403, get(http, "/v1/hosts/any.example.net/context", tokens.issue("jira", roles, Duration.ofMinutes(10)), null).status());
    }
  }

  /** Regression: the read path checked consumers against the definitions the region started with, so a rebuild's new consumer got 403. */
  @Test
  void read_consumerAddedByNewerDefinitions_isServedOnceTheyArrive() {
    String tenant = tenant();
    String path = "/v1/tenants/" + tenant + "/context";
    assertEquals(403, get(path, "billing").status());

    JsonObject withBilling = VIEWS.toJson().put("revision", 3);
    withBilling.getJsonObject("consumers").put("billing", new JsonObject().put("include", new JsonArray().add("/jira")));
    eventLog.append(SignedDefinitions.topic(config.viewsTopic()), "view-definitions", SignedDefinitions.seal(Hmac.of(KEY), ViewDefinitions.fromJson(withBilling))).await();

    Answer answer = eventually(() -> get(path, "billing"), a -> a.status() != 403);
    assertEquals(404, answer.status(), "billing may read now; the tenant has no view of it yet");
  }

  @Test
  void ingest_olderVersionArrivingLater_doesNotReplaceNewer() {
    String tenant = tenant();
    String path = "/v1/tenants/" + tenant + "/context";
    publish(document(tenant, List.of()).put("products", new JsonArray().add("v2")), 2, 1, false);
    eventually(() -> get(path, "jira"), a -> a.status() == 200 && "2".equals(a.headers().get("TCS-Version")));

    double staleBefore = ingestCount("stale");
    publish(document(tenant, List.of()).put("products", new JsonArray().add("v1")), 1, 1, false);
    eventually(() -> ingestCount("stale"), count -> count >= staleBefore + 2);

    Answer answer = get(path, "jira");
    assertEquals("2", answer.headers().get("TCS-Version"));
    assertEquals(new JsonArray().add("v2"), answer.json().getJsonArray("products"));
    Map<String, AttributeValue> row = row("tenant#" + tenant, "jira");
    assertEquals("2", row.get("version").n());
  }

  @Test
  void ingest_rebuildAtSameVersion_replacesByRevision() {
    String tenant = tenant();
    String path = "/v1/tenants/" + tenant + "/context";
    publish(document(tenant, List.of()), 4, 1, false);
    eventually(() -> get(path, "jira"), a -> a.status() == 200);

    // The view of revision 2 waits (its batch is retried) until the rebuild's signed definitions of revision 2 arrive.
    publish(document(tenant, List.of()).put("products", new JsonArray().add("rebuilt")), 4, 2, false);
    JsonObject revision2 = VIEWS.toJson().put("revision", 2);
    eventLog.append(SignedDefinitions.topic(config.viewsTopic()), "view-definitions", SignedDefinitions.seal(Hmac.of(KEY), ViewDefinitions.fromJson(revision2))).await();
    Answer rebuilt = eventually(() -> get(path, "jira"), a -> "\"4.2\"".equals(a.headers().get("ETag")));
    assertEquals(new JsonArray().add("rebuilt"), rebuilt.json().getJsonArray("products"));
  }

  @Test
  void ingest_hostChange_removesOldHost() {
    String tenant = tenant();
    String oldHost = tenant + "-old.example.net";
    String newHost = tenant + "-new.example.net";
    publish(document(tenant, List.of(oldHost)), 1, 1, false);
    eventually(() -> get("/v1/hosts/" + oldHost + "/context", "network-ingress"), a -> a.status() == 200);

    publish(document(tenant, List.of(newHost)), 2, 1, false);
    eventually(() -> get("/v1/hosts/" + newHost + "/context", "network-ingress"), a -> a.status() == 200);
    eventually(() -> get("/v1/hosts/" + oldHost + "/context", "network-ingress"), a -> a.status() == 404);
    assertEquals(404, get("/v1/hosts/" + oldHost + "/context", "jira").status());
    assertEquals(Boolean.TRUE, row("host#" + oldHost, "network-ingress").get("deleted").bool());
  }

  @Test
  void ingest_deletedTenant_answers404AndStaysDeleted() {
    String tenant = tenant();
    String host = tenant + ".example.net";
    String path = "/v1/tenants/" + tenant + "/context";
    publish(document(tenant, List.of(host)), 1, 1, false);
    eventually(() -> get(path, "jira"), a -> a.status() == 200);
    eventually(() -> get("/v1/hosts/" + host + "/context", "jira"), a -> a.status() == 200);

    publish(document(tenant, List.of(host)), 2, 1, true);
    Answer tombstone = eventually(() -> get(path, "jira"), a -> a.status() == 404);
    assertEquals(tenant, tombstone.headers().get("TCS-Tenant"), "a tombstone's 404 names its tenant");
    assertEquals("2", tombstone.headers().get("TCS-Version"), "a tombstone's 404 carries its version, so a delete outranks older values");
    assertEquals("1", tombstone.headers().get("TCS-Revision"));
    assertEquals(null, tombstone.headers().get("ETag"));
    eventually(() -> get("/v1/hosts/" + host + "/context", "jira"), a -> a.status() == 404);

    double staleBefore = ingestCount("stale");
    publish(document(tenant, List.of(host)), 1, 1, false);
    eventually(() -> ingestCount("stale"), count -> count >= staleBefore + 2);
    assertEquals(404, get(path, "jira").status(), "an older view arriving late does not resurrect it");
    assertEquals(404, get("/v1/hosts/" + host + "/context", "jira").status());
  }

  @Test
  void ingest_appliedView_publishesInvalidationOnHazelcast() {
    String tenant = tenant();
    String host = tenant + ".example.net";
    publish(document(tenant, List.of(host)), 7, 1, false);

    JsonObject message = eventually(() -> nextInvalidation(tenant, "network-ingress"), m -> m != null);
    Invalidation invalidation = Invalidation.fromJson(message);
    assertEquals(7, invalidation.version());
    assertEquals(List.of(host), invalidation.keys());
    assertEquals(1, message.getLong("revision"));
    eventually(() -> invalidationsReceived(), count -> count >= 1);
  }

  /**
   * Many views in one append, so lanes take them in big batches (several chunks of the ingester,
   * transactions and views applied on their own side by side): a poison record among them is
   * counted and skipped, a host change among them retires the old host, every view is applied
   * (counted) and a sample of the tenants is readable by id and by host.
   */
  @Test
  void ingest_manyViewsAtOnceWithPoisonAndHostChange_allApplied() {
    String mover = tenant();
    String oldHost = mover + "-old.example.net";
    String newHost = mover + "-new.example.net";
    publish(document(mover, List.of(oldHost)), 1, 1, false);
    eventually(() -> get("/v1/hosts/" + oldHost + "/context", "network-ingress"), a -> a.status() == 200);
    double rejectedBefore = ingestCount("rejected");
    double appliedBefore = ingestCount("applied");

    List<Append> appends = new ArrayList<>();
    List<String> tenants = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      String tenant = tenant();
      tenants.add(tenant);
      appends.addAll(views(document(tenant, List.of(tenant + ".example.net")), 1, 1));
      if (i == 60) {
        appends.add(new Append(tenant, Buffer.buffer("{not json")));
        appends.addAll(views(document(mover, List.of(newHost)), 2, 1));
      }
    }
    eventLog.appendAll(config.viewsTopic(), appends).await();

    eventually(() -> ingestCount("applied"), applied -> applied >= appliedBefore + appends.size() - 1);
    for (int i = 0; i < tenants.size(); i += 10) {
      String tenant = tenants.get(i);
      eventually(() -> get("/v1/tenants/" + tenant + "/context", "jira"), a -> a.status() == 200);
      eventually(() -> get("/v1/hosts/" + tenant + ".example.net/context", "network-ingress"), a -> a.status() == 200);
    }
    eventually(() -> get("/v1/hosts/" + newHost + "/context", "network-ingress"), a -> a.status() == 200);
    eventually(() -> get("/v1/hosts/" + oldHost + "/context", "network-ingress"), a -> a.status() == 404);
    assertEquals(rejectedBefore + 1, ingestCount("rejected"));
  }

  @Test
  void ingest_badRecord_isCountedAndSkipped() {
    String tenant = tenant();
    double rejectedBefore = ingestCount("rejected");
    eventLog.append(config.viewsTopic(), tenant, Buffer.buffer("{not json")).await();
    Buffer incomplete = new JsonObject().put("tenantId", tenant).put("consumer", "jira").toBuffer();
    eventLog.append(config.viewsTopic(), tenant, ViewTags.tag(Hmac.of(KEY), incomplete)).await();
    publish(document(tenant, List.of()), 1, 1, false);

    eventually(() -> get("/v1/tenants/" + tenant + "/context", "jira"), a -> a.status() == 200);
    assertEquals(rejectedBefore + 2, ingestCount("rejected"));
  }

  /**
   * Regression: a region applied whatever arrived on the views topic, so anyone who could produce
   * to it could put another consumer's fields into a view or pin a version no update replaces.
   */
  @Test
  void ingest_viewWithoutValidTag_droppedAndCounted() {
    String tenant = tenant();
    String path = "/v1/tenants/" + tenant + "/context";
    double forgedBefore = ingestCount("forged");
    JsonObject everything = document(tenant, List.of());
    View pinned = new View(tenant, "jira", Long.MAX_VALUE / 2, 1, List.of(), false, everything);
    eventLog.append(config.viewsTopic(), tenant, pinned.toBuffer()).await();
    eventLog.append(config.viewsTopic(), tenant, ViewTags.tag(Hmac.of("another-secret-of-at-least-thirty-two-chars"), pinned.toBuffer())).await();
    JsonObject tampered = ViewTags.tag(Hmac.of(KEY), new View(tenant, "jira", 5, 1, List.of(), false, VIEWS.slice("jira", everything)).toBuffer()).toJsonObject();
    tampered.put("version", Long.MAX_VALUE / 2);
    eventLog.append(config.viewsTopic(), tenant, tampered.toBuffer()).await();
    eventually(() -> ingestCount("forged"), count -> count >= forgedBefore + 3);

    publish(document(tenant, List.of()), 2, 1, false);
    Answer answer = eventually(() -> get(path, "jira"), a -> a.status() == 200);
    assertEquals("2", answer.headers().get("TCS-Version"), "no forged record pinned a version");
    assertNull(answer.json().getValue("network-ingress"), "no forged record widened the view");
    assertEquals("2", row("tenant#" + tenant, "jira").get("version").n());
  }

  @Test
  void ingest_taggedViewHoldingMoreThanItsDefinition_droppedAndCounted() {
    String tenant = tenant();
    double overreachBefore = ingestCount("overreach");
    JsonObject everything = document(tenant, List.of());
    for (View view : List.of(
        new View(tenant, "jira", 3, 1, List.of(), false, everything),
        new View(tenant, "billing", 3, 1, List.of(), false, new JsonObject().put("tenantId", tenant)),
        new View(tenant, "network-ingress", 3, 1, List.of(), true, new JsonObject().put("jira", everything.getJsonObject("jira"))))) {
      eventLog.append(config.viewsTopic(), tenant, ViewTags.tag(Hmac.of(KEY), view.toBuffer())).await();
    }
    eventually(() -> ingestCount("overreach"), count -> count >= overreachBefore + 3);
    assertEquals(404, get("/v1/tenants/" + tenant + "/context", "jira").status(), "nothing stored");
    assertTrue(row("tenant#" + tenant, "jira").isEmpty());
  }

  /** Regression: anyone who reached the region's Hazelcast cluster could publish invalidations. */
  @Test
  void invalidation_forgedPublish_droppedAndCounted() {
    double forgedBefore = invalidationsCount("forged");
    String forged = new Invalidation(tenant(), "jira", List.of(), 99).toJson().encode();
    member.<String>getReliableTopic(Invalidation.TOPIC).publish(forged);
    member.<String>getReliableTopic(Invalidation.TOPIC).publish(Hmac.of("another-secret-of-at-least-thirty-two-chars").seal(forged));
    eventually(() -> invalidationsCount("forged"), count -> count >= forgedBefore + 2);
  }

  @Test
  void ops_readyAndMetrics_answer() {
    Answer ready = eventually(() -> get(http, "/health/ready", null, null), a -> a.status() == 200);
    assertEquals("UP", ready.json().getString("status"));
    get("/v1/tenants/" + tenant() + "/context", "jira");
    String metrics = get(http, "/metrics", null, null).body().toString();
    assertTrue(metrics.contains("tcs_region_reads_total{outcome=\"not-found\",region=\"" + REGION + "\"}"), metrics);
    assertTrue(metrics.contains("tcs_region_read_latency_seconds_bucket"));
    assertTrue(metrics.contains("tcs_region_cache_size{region=\"" + REGION + "\"}"));
  }

  // --- helpers -------------------------------------------------------------------------------

  private record Answer(int status, MultiMap headers, Buffer body, HttpVersion version) {
    JsonObject json() {
      return body.toJsonObject();
    }
  }

  /** Each consumer's view of {@code document}, tagged as the projector tags it, ready to append. */
  private static List<Append> views(JsonObject document, long version, long revision) {
    String tenant = document.getString("tenantId");
    List<String> hosts = document.getJsonArray("hosts", new JsonArray()).stream().map(String::valueOf).toList();
    List<Append> appends = new ArrayList<>();
    for (String consumer : VIEWS.consumers()) {
      View view = new View(tenant, consumer, version, revision, hosts, false, VIEWS.slice(consumer, document));
      appends.add(new Append(tenant, ViewTags.tag(Hmac.of(KEY), view.toBuffer())));
    }
    return appends;
  }

  /** Publishes each consumer's view of {@code document}, built as the projector does. */
  private static void publish(JsonObject document, long version, long revision, boolean deleted) {
    String tenant = document.getString("tenantId");
    List<String> hosts = deleted ? List.of() : document.getJsonArray("hosts", new JsonArray()).stream().map(String::valueOf).toList();
    for (String consumer : VIEWS.consumers()) {
      JsonObject body = deleted ? new JsonObject() : VIEWS.slice(consumer, document);
      View view = new View(tenant, consumer, version, revision, hosts, deleted, body);
      eventLog.append(config.viewsTopic(), tenant, ViewTags.tag(Hmac.of(KEY), view.toBuffer())).await();
    }
  }

  private static JsonObject document(String tenant, List<String> hosts) {
    return new JsonObject()
        .put("tenantId", tenant)
        .put("hosts", new JsonArray(hosts))
        .put("products", new JsonArray().add("jira").add("confluence"))
        .put("jira", new JsonObject().put("db-user", tenant + "_jira").put("db-password", "s3cret"))
        .put("network-ingress", new JsonObject().put("/", "http://jira-us-east.internal").put("/wiki", "http://confluence-eu-west.internal"));
  }

  private static Answer get(String path, String consumer) {
    return get(http, path, token(consumer), null);
  }

  /**
   * One GET, run on the test's own context: issued from the main thread, a request's
   * continuations may land on another event loop than its connection's, and a body that ends
   * before {@code body()} is asked for is lost (vert.x issue 5904).
   */
  private static Answer get(HttpClient client, String path, String token, String ifNoneMatch) {
    return send(client, HttpMethod.GET, path, token == null ? null : "Bearer " + token, ifNoneMatch);
  }

  /** As {@link #get(HttpClient, String, String, String)}, any method, with {@code authorization} sent as it is. */
  private static Answer send(HttpClient client, HttpMethod method, String path, String authorization, String ifNoneMatch) {
    Promise<Answer> answer = Promise.promise();
    clientContext.runOnContext(
        v ->
            client
                .request(new RequestOptions().setMethod(method).setURI(path).setConnectTimeout(5_000).setIdleTimeout(5_000))
                .compose(
                    request -> {
                      if (authorization != null) {
                        request.putHeader("Authorization", authorization);
                      }
                      if (ifNoneMatch != null) {
                        request.putHeader("If-None-Match", ifNoneMatch);
                      }
                      return request.send();
                    })
                .compose(response -> response.body().map(body -> new Answer(response.statusCode(), response.headers(), body, response.version())))
                .onComplete(answer));
    return answer.future().await();
  }

  private static String token(String consumer) {
    return tokens.issue(consumer, Set.of(Principal.READER), Duration.ofMinutes(10));
  }

  private static Map<String, AttributeValue> row(String partitionKey, String consumer) {
    return dynamo
        .getItem(b -> b.tableName(config.table()).consistentRead(true).key(Map.of("pk", AttributeValue.fromS(partitionKey), "consumer", AttributeValue.fromS(consumer))))
        .join()
        .item();
  }

  private static double ingestCount(String outcome) {
    Counter counter = registry.find(RegionMetrics.INGEST_VIEWS).tag("region", REGION).tag("outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  private static double invalidationsCount(String outcome) {
    Counter counter = registry.find(RegionMetrics.INVALIDATIONS_RECEIVED).tag("region", REGION).tag("outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  private static double invalidationsReceived() {
    Counter counter = registry.find(RegionMetrics.INVALIDATIONS_RECEIVED).tag("region", REGION).tag("outcome", "applied").counter();
    return counter == null ? 0 : counter.count();
  }

  /** The next invalidation on the topic for {@code (tenant, consumer)}, skipping others; null if none yet. */
  private static JsonObject nextInvalidation(String tenant, String consumer) {
    for (String text : invalidations) {
      JsonObject json = new JsonObject(text);
      if (tenant.equals(json.getString("tenantId")) && consumer.equals(json.getString("consumer"))) {
        return json;
      }
    }
    return null;
  }

  /** Polls {@code probe} until {@code done} holds, for at most {@link #PATIENCE}; fails with the last value. */
  private static <T> T eventually(Supplier<T> probe, Predicate<T> done) {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    T last = probe.get();
    while (!done.test(last)) {
      assertFalse(System.nanoTime() > deadline, "condition not met within " + PATIENCE + ", last value: " + describe(last));
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(25));
      last = probe.get();
    }
    return last;
  }

  private static String describe(Object value) {
    return value instanceof Answer answer ? answer.status() + " " + answer.headers().get("ETag") : String.valueOf(value);
  }

  private static String tenant() {
    return TestNames.unique("t");
  }

  private static JsonObject configJson(LocalInfra infra, int port) {
    return new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", port))
        .put("kafka", new JsonObject().put("bootstrap-servers", infra.kafka().bootstrapServers()))
        .put("dynamodb", new JsonObject().put("endpoint", infra.dynamo().endpoint().toString()))
        .put("auth", authWithPrivateKey().json())
        .put(
            "region",
            new JsonObject()
                .put("name", REGION)
                .put("table-prefix", TestNames.unique("tcs-views"))
                .put("views-topic", TestNames.unique("tcs.views"))
                .put("read-instances", 2)
                .put("cache", new JsonObject().put("negative-ttl", "5s")))
        .put("hazelcast", new JsonObject().put("cluster-name", TestNames.unique("tcs-it")));
  }

  private static Settings authWithPrivateKey() {
    return Settings.of(
        "auth",
        new JsonObject()
            .put("public-key", "demo-keys/jwt-public.pem")
            .put("private-key", "demo-keys/jwt-private.pem")
            .put("issuer", "tcs-demo")
            .put("audience", "tcs")
            .put("view-key", KEY)
            .put("invalidation-key", KEY));
  }
}
