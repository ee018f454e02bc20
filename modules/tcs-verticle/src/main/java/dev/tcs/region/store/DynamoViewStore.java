package dev.tcs.region.store;

import dev.tcs.core.dynamo.Async;
import dev.tcs.core.dynamo.Tables;
import dev.tcs.core.model.View;
import dev.tcs.core.read.ReadKey;
import dev.tcs.core.read.Stamp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * The region's DynamoDB table of views (async SDK; nothing here blocks).
 *
 * <p>Layout: partition key {@code pk} ({@code tenant#<id>} or {@code host#<host>}), sort key
 * {@code consumer}. One item per {@code (tenant, consumer)} holding {@code tenantId},
 * {@code version}, {@code revision}, {@code deleted}, {@code keys} (the hosts) and {@code body}
 * (the view's JSON, encoded once at ingest, so reads serve it as is); one item per
 * {@code (host, consumer)} with the same fields except {@code keys}, so a read by host is one
 * GetItem. A deleted tenant, and a host a tenant no longer has, become tombstones
 * ({@code deleted = true}, no body): reads answer 404, and an older view arriving late cannot
 * bring them back.
 *
 * <p>Every write is conditional on the {@link Stamp} order: an item is only replaced by a
 * view that is not older, so versions never go backwards even with several ingesters. Writing
 * the same view twice is harmless, which makes {@link #apply} safe to retry after a partial failure.
 */
public final class DynamoViewStore implements ViewSource {
  private static final Logger log = LoggerFactory.getLogger(DynamoViewStore.class);

  static final String PK = "pk";
  static final String CONSUMER = "consumer";
  static final String TENANT = "tenantId";
  static final String VERSION = "version";
  static final String REVISION = "revision";
  static final String DELETED = "deleted";
  static final String KEYS = "keys";
  static final String BODY = "body";
  static final String APPLIED_AT = "appliedAt";

  private static final String NOT_OLDER = "(#version < :version OR (#version = :version AND #revision <= :revision))";
  /** The tenant item: absent, or holding an older or the same view. */
  private static final String PUT_TENANT_IF = "attribute_not_exists(#pk) OR " + NOT_OLDER;
  /** A host item: absent, owned by another tenant (hosts move), or holding an older or the same view. */
  private static final String PUT_HOST_IF = "attribute_not_exists(#pk) OR #tenantId <> :tenantId OR " + NOT_OLDER;
  /** A host the tenant dropped: only while it still points to this tenant at an older or the same view. */
  private static final String RETIRE_HOST_IF = "#tenantId = :tenantId AND " + NOT_OLDER;
  private static final Map<String, String> NAMES =
      Map.of("#pk", PK, "#tenantId", TENANT, "#version", VERSION, "#revision", REVISION);
  private static final Map<String, String> READ_NAMES =
      Map.of("#tenantId", TENANT, "#version", VERSION, "#revision", REVISION, "#deleted", DELETED, "#body", BODY);
  private static final Duration ACTIVE_TIMEOUT = Duration.ofMinutes(2);

  private final DynamoDbAsyncClient dynamo;
  private final String table;
  private final Clock clock;

  public DynamoViewStore(DynamoDbAsyncClient dynamo, String table, Clock clock) {
    this.dynamo = dynamo;
    this.table = table;
    this.clock = clock;
  }

  public String table() {
    return table;
  }

  /**
   * Creates the table (on-demand capacity) unless it exists, and waits until it is active.
   * Completes on the caller's context.
   */
  public Future<Void> ensureTable(Vertx vertx) {
    var context = vertx.getOrCreateContext();
    // The client's first call loads and initialises much of the SDK: keep that off the event loop.
    return vertx
        .executeBlocking(this::createTable, false)
        .compose(created -> Async.on(context, created))
        .compose(v -> Tables.awaitActive(context, dynamo, table, ACTIVE_TIMEOUT))
        .mapEmpty();
  }

  private CompletableFuture<Void> createTable() {
    return dynamo
        .createTable(
            b ->
                b.tableName(table)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                        AttributeDefinition.builder().attributeName(PK).attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName(CONSUMER).attributeType(ScalarAttributeType.S).build())
                    .keySchema(
                        KeySchemaElement.builder().attributeName(PK).keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName(CONSUMER).keyType(KeyType.RANGE).build()))
        .handle(
            (response, error) -> {
              if (error == null) {
                log.info("table created table={}", table);
                return null;
              }
              Throwable cause = Async.unwrap(error);
              if (cause instanceof ResourceInUseException) {
                return null;
              }
              throw new IllegalStateException("cannot create table " + table + ": " + cause, cause);
            });
  }

  /** Completes with true when the table exists and is active (the readiness check). */
  public CompletableFuture<Boolean> isActive() {
    return dynamo.describeTable(b -> b.tableName(table)).thenApply(r -> r.table().tableStatus() == TableStatus.ACTIVE);
  }

  @Override
  public CompletableFuture<StoredView> find(ReadKey key, boolean consistent) {
    GetItemRequest request =
        GetItemRequest.builder()
            .tableName(table)
            .key(key(key.partitionKey(), key.consumer()))
            .consistentRead(consistent)
            .projectionExpression("#tenantId, #version, #revision, #deleted, #body")
            .expressionAttributeNames(READ_NAMES)
            .build();
    return dynamo.getItem(request).thenApply(DynamoViewStore::toStoredView);
  }

  /**
   * Writes {@code view} unless the table holds a newer one for its {@code (tenant, consumer)}:
   * first its host items (the hosts it has, then tombstones for the hosts it dropped), then its
   * tenant item. The tenant item is written last, so a retry after a partial failure finds the
   * previous hosts again. Completes exceptionally if DynamoDB fails; the caller retries.
   */
  public CompletableFuture<ApplyResult> apply(View view) {
    Stamp incoming = Stamp.of(view);
    String tenantKey = ReadKey.tenant(view.tenantId(), view.consumer()).partitionKey();
    GetItemRequest current =
        GetItemRequest.builder().tableName(table).key(key(tenantKey, view.consumer())).consistentRead(true).build();
    return dynamo
        .getItem(current)
        .thenCompose(
            response -> {
              Map<String, AttributeValue> item = response.hasItem() ? response.item() : Map.of();
              Stamp stored = item.isEmpty() ? Stamp.NONE : versionOf(item);
              if (incoming.olderThan(stored)) {
                return CompletableFuture.completedFuture(ApplyResult.STALE);
              }
              List<String> removed = removedHosts(item, view.keys());
              String body = view.deleted() ? null : view.body().encode();
              List<CompletableFuture<Void>> hostWrites = new ArrayList<>();
              for (String host : view.keys()) {
                hostWrites.add(putHost(view, host, body));
              }
              for (String host : removed) {
                hostWrites.add(retireHost(view, host));
              }
              return CompletableFuture.allOf(hostWrites.toArray(CompletableFuture[]::new))
                  .thenCompose(v -> putTenant(view, tenantKey, body))
                  .thenApply(written -> written ? new ApplyResult(true, removed) : ApplyResult.STALE);
            });
  }

  private CompletableFuture<Boolean> putTenant(View view, String tenantKey, String body) {
    Map<String, AttributeValue> item = item(tenantKey, view, view.deleted(), body);
    List<AttributeValue> keys = new ArrayList<>(view.keys().size());
    view.keys().forEach(host -> keys.add(AttributeValue.fromS(host)));
    item.put(KEYS, AttributeValue.fromL(keys));
    return conditionalPut(item, PUT_TENANT_IF, values(view));
  }

  private CompletableFuture<Void> putHost(View view, String host, String body) {
    String hostKey = ReadKey.host(host, view.consumer()).partitionKey();
    return conditionalPut(item(hostKey, view, view.deleted(), body), PUT_HOST_IF, values(view)).thenApply(written -> null);
  }

  private CompletableFuture<Void> retireHost(View view, String host) {
    String hostKey = ReadKey.host(host, view.consumer()).partitionKey();
    return conditionalPut(item(hostKey, view, true, null), RETIRE_HOST_IF, values(view)).thenApply(written -> null);
  }

  /** Completes with false when the condition did not hold (a newer item is there), exceptionally on any other failure. */
  private CompletableFuture<Boolean> conditionalPut(Map<String, AttributeValue> item, String condition, Map<String, AttributeValue> values) {
    PutItemRequest request =
        PutItemRequest.builder()
            .tableName(table)
            .item(item)
            .conditionExpression(condition)
            .expressionAttributeNames(names(condition))
            .expressionAttributeValues(condition.contains(":tenantId") ? values : withoutTenant(values))
            .build();
    return dynamo
        .putItem(request)
        .handle(
            (response, error) -> {
              if (error == null) {
                return true;
              }
              Throwable cause = Async.unwrap(error);
              if (cause instanceof ConditionalCheckFailedException) {
                return false;
              }
              throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
            });
  }

  private Map<String, AttributeValue> item(String partitionKey, View view, boolean deleted, String body) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(PK, AttributeValue.fromS(partitionKey));
    item.put(CONSUMER, AttributeValue.fromS(view.consumer()));
    item.put(TENANT, AttributeValue.fromS(view.tenantId()));
    item.put(VERSION, AttributeValue.fromN(Long.toString(view.version())));
    item.put(REVISION, AttributeValue.fromN(Long.toString(view.revision())));
    item.put(DELETED, AttributeValue.fromBool(deleted));
    item.put(APPLIED_AT, AttributeValue.fromS(clock.instant().toString()));
    if (!deleted && body != null) {
      item.put(BODY, AttributeValue.fromS(body));
    }
    return item;
  }

  private static Map<String, AttributeValue> values(View view) {
    return Map.of(
        ":tenantId", AttributeValue.fromS(view.tenantId()),
        ":version", AttributeValue.fromN(Long.toString(view.version())),
        ":revision", AttributeValue.fromN(Long.toString(view.revision())));
  }

  private static Map<String, AttributeValue> withoutTenant(Map<String, AttributeValue> values) {
    Map<String, AttributeValue> copy = new HashMap<>(values);
    copy.remove(":tenantId");
    return copy;
  }

  private static Map<String, String> names(String condition) {
    Map<String, String> names = new HashMap<>();
    NAMES.forEach(
        (placeholder, name) -> {
          if (condition.contains(placeholder)) {
            names.put(placeholder, name);
          }
        });
    return names;
  }

  private static List<String> removedHosts(Map<String, AttributeValue> item, List<String> hosts) {
    AttributeValue previous = item.get(KEYS);
    if (previous == null || !previous.hasL()) {
      return List.of();
    }
    Set<String> removed = new LinkedHashSet<>();
    for (AttributeValue host : previous.l()) {
      if (host.s() != null && !hosts.contains(host.s())) {
        removed.add(host.s());
      }
    }
    return List.copyOf(removed);
  }

  private static Map<String, AttributeValue> key(String partitionKey, String consumer) {
    return Map.of(PK, AttributeValue.fromS(partitionKey), CONSUMER, AttributeValue.fromS(consumer));
  }

  private static StoredView toStoredView(GetItemResponse response) {
    if (!response.hasItem() || response.item().isEmpty()) {
      return StoredView.ABSENT;
    }
    Map<String, AttributeValue> item = response.item();
    AttributeValue tenant = item.get(TENANT);
    AttributeValue deleted = item.get(DELETED);
    AttributeValue body = item.get(BODY);
    return new StoredView(
        tenant == null ? null : tenant.s(),
        versionOf(item),
        deleted != null && Boolean.TRUE.equals(deleted.bool()),
        body == null ? null : body.s());
  }

  private static Stamp versionOf(Map<String, AttributeValue> item) {
    return new Stamp(number(item, VERSION), number(item, REVISION));
  }

  private static long number(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    if (value == null || value.n() == null) {
      throw new IllegalStateException("item " + item.get(PK) + " of the views table lacks numeric attribute " + name);
    }
    return Long.parseLong(value.n());
  }
}
