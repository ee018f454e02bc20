package dev.tcs.catalogue.store;

import dev.tcs.core.dynamo.Async;
import dev.tcs.core.dynamo.Tables;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * The single-table layout of the event store, and its creation.
 *
 * <pre>
 * pk            sk                   attributes
 * T#&lt;tenant&gt;   V#&lt;19-digit version&gt; event (JSON of the CatalogueEvent), type, version      one per event, never changed
 * T#&lt;tenant&gt;   HEAD                 tenantId, version, deleted, doc (JSON, absent if deleted),
 *                                    hosts, updatedAt, publishedVersion,
 *                                    outbox + pendingSince (present while unpublished)
 * H#&lt;host&gt;     CLAIM                owner (tenant), claimedAt                            one per claimed host
 * </pre>
 *
 * Two sparse global secondary indexes: {@value #TENANTS_INDEX} (hash {@code tenantId}, only
 * heads carry it) for the operators' listing, and {@value #OUTBOX_INDEX} (hash {@code outbox},
 * only unpublished heads carry it) for the outbox relay's catch-up sweep. Both hash on the tenant
 * id, so neither has a hot partition.
 */
final class CatalogueTable {
  static final String PK = "pk";
  static final String SK = "sk";
  static final String HEAD_SK = "HEAD";
  static final String CLAIM_SK = "CLAIM";

  static final String TENANT_ID = "tenantId";
  static final String VERSION = "version";
  static final String DELETED = "deleted";
  static final String DOC = "doc";
  static final String HOSTS = "hosts";
  static final String UPDATED_AT = "updatedAt";
  static final String PUBLISHED = "publishedVersion";
  static final String OUTBOX = "outbox";
  static final String PENDING_SINCE = "pendingSince";
  static final String EVENT = "event";
  static final String TYPE = "type";
  static final String OWNER = "owner";
  static final String CLAIMED_AT = "claimedAt";

  static final String TENANTS_INDEX = "tenants";
  static final String OUTBOX_INDEX = "outbox";

  private static final Logger log = LoggerFactory.getLogger(CatalogueTable.class);
  private static final Duration ACTIVE_TIMEOUT = Duration.ofSeconds(120);

  private CatalogueTable() {}

  static String tenantKey(String tenantId) {
    return "T#" + tenantId;
  }

  static String eventKey(long version) {
    return String.format("V#%019d", version);
  }

  static String hostKey(String host) {
    return "H#" + host;
  }

  /**
   * Creates {@code table} (on-demand capacity) unless it exists, waits until it and its indexes
   * are active, and checks that an existing table has this layout.
   */
  static Future<Void> ensure(Context context, DynamoDbAsyncClient dynamo, String table) {
    return describe(context, dynamo, table)
        .compose(existing -> existing != null ? Future.succeededFuture() : create(context, dynamo, table))
        .compose(v -> Tables.awaitActive(context, dynamo, table, ACTIVE_TIMEOUT))
        .compose(description -> verify(table, description));
  }

  private static Future<TableDescription> describe(Context context, DynamoDbAsyncClient dynamo, String table) {
    return Async.on(context, dynamo.describeTable(b -> b.tableName(table)))
        .map(DescribeTableResponse::table)
        .recover(e -> e instanceof ResourceNotFoundException ? Future.succeededFuture(null) : Future.failedFuture(e));
  }

  private static Future<Void> create(Context context, DynamoDbAsyncClient dynamo, String table) {
    CreateTableRequest request =
        CreateTableRequest.builder()
            .tableName(table)
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .attributeDefinitions(
                attribute(PK), attribute(SK), attribute(TENANT_ID), attribute(OUTBOX))
            .keySchema(key(PK, KeyType.HASH), key(SK, KeyType.RANGE))
            .globalSecondaryIndexes(
                index(TENANTS_INDEX, TENANT_ID, List.of(VERSION, DELETED, UPDATED_AT)),
                index(OUTBOX_INDEX, OUTBOX, List.of(PENDING_SINCE)))
            .build();
    return Async.on(context, dynamo.createTable(request))
        .<Void>mapEmpty()
        .onSuccess(v -> log.info("event store table created table={}", table))
        .recover(e -> e instanceof ResourceInUseException ? Future.succeededFuture() : Future.failedFuture(e));
  }

  private static Future<Void> verify(String table, TableDescription description) {
    List<KeySchemaElement> keys = description.keySchema();
    boolean keysOk =
        keys.size() == 2
            && keys.contains(key(PK, KeyType.HASH))
            && keys.contains(key(SK, KeyType.RANGE));
    Set<String> indexes =
        description.globalSecondaryIndexes().stream()
            .map(GlobalSecondaryIndexDescription::indexName)
            .collect(Collectors.toSet());
    if (!keysOk || !indexes.containsAll(Set.of(TENANTS_INDEX, OUTBOX_INDEX))) {
      return Future.failedFuture(
          new IllegalStateException(
              "table "
                  + table
                  + " exists but is not a catalogue event store: it needs keys pk (hash) and sk (range) and"
                  + " indexes "
                  + TENANTS_INDEX
                  + ", "
                  + OUTBOX_INDEX
                  + "; it has keys "
                  + keys
                  + " and indexes "
                  + indexes));
    }
    return Future.succeededFuture();
  }

  private static AttributeDefinition attribute(String name) {
    return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
  }

  private static KeySchemaElement key(String name, KeyType type) {
    return KeySchemaElement.builder().attributeName(name).keyType(type).build();
  }

  private static GlobalSecondaryIndex index(String name, String hashKey, List<String> projected) {
    return GlobalSecondaryIndex.builder()
        .indexName(name)
        .keySchema(key(hashKey, KeyType.HASH))
        .projection(Projection.builder().projectionType(ProjectionType.INCLUDE).nonKeyAttributes(projected).build())
        .build();
  }
}
