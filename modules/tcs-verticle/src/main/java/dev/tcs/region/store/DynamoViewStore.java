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
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

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
 * view that is not older, so versions never go backwards even with several ingesters.
 *
 * <p>Host ownership is ordered without comparing versions of different tenants (they are
 * unrelated): the catalogue gives a host to at most one tenant at a time, so a tenant may take a
 * host item only once its current owner let it go, that is when the item is a tombstone or the
 * owner's tenant item no longer lists the host. Otherwise the claim waits on the host item
 * ({@code pendingTenantId}, {@code pendingVersion}, {@code pendingRevision}, {@code pendingBody})
 * and is promoted when the owner retires the host, if the claimant's tenant item still lists it.
 * So a host that moves from tenant A to tenant B ends with B whatever order A's and B's views
 * arrive in, also in a region replaying from the start. Writing
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
  /** On a host item: a claim by another tenant that waits for the owner to let the host go. */
  static final String PENDING_TENANT = "pendingTenantId";
  static final String PENDING_VERSION = "pendingVersion";
  static final String PENDING_REVISION = "pendingRevision";
  static final String PENDING_BODY = "pendingBody";
  /** Views per {@link #applyAll} call: one BatchGetItem reads their tenant items (DynamoDB takes up to 100 keys). */
  public static final int MAX_BATCH = 100;
  /** Items per TransactWriteItems (DynamoDB's limit is 100). */
  static final int TRANSACTION_ITEMS = 100;
  /** Estimated bytes per TransactWriteItems, well under DynamoDB's 4 MB. */
  static final int TRANSACTION_BYTES = 2 * 1024 * 1024;
  /** Views of one {@link #applyAll} call applied on their own at once. */
  static final int ALONE_PARALLEL = 8;
  /** BatchGetItem rounds for keys DynamoDB leaves unprocessed before giving up (the log retries the batch). */
  private static final int BATCH_GET_ATTEMPTS = 8;
  /** Rounds of read-then-conditional-write on one host item before giving up (the log retries the batch). */
  private static final int HOST_ATTEMPTS = 8;

  private static final String NOT_OLDER = "(#version < :version OR (#version = :version AND #revision <= :revision))";
  /** The tenant item: absent, or holding an older or the same view. */
  private static final String PUT_TENANT_IF = "attribute_not_exists(#pk) OR " + NOT_OLDER;
  /**
   * A host item may be written at once when it is absent, holds an older or the same view of
   * this tenant, or is a tombstone another tenant left (it let the host go). Any other case (the
   * host belongs to another tenant) is decided by {@link #claimHost}.
   */
  private static final String PUT_HOST_IF =
      "attribute_not_exists(#pk) OR (#tenantId = :tenantId AND " + NOT_OLDER + ") OR (#tenantId <> :tenantId AND #deleted = :true)";
  /** A host the tenant dropped, with no other tenant's claim waiting: a tombstone, while it is still this tenant's at an older or the same view. */
  private static final String RETIRE_HOST_IF = "#tenantId = :tenantId AND " + NOT_OLDER + " AND attribute_not_exists(#pendingTenantId)";
  private static final Map<String, String> NAMES =
      Map.of("#pk", PK, "#tenantId", TENANT, "#version", VERSION, "#revision", REVISION, "#deleted", DELETED, "#pendingTenantId", PENDING_TENANT);
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
    String tenantKey = ReadKey.tenant(view.tenantId(), view.consumer()).partitionKey();
    return readItem(tenantKey, view.consumer()).thenCompose(item -> applyOver(view, item));
  }

  /**
   * Applies {@code views} as {@link #apply} applies each, in fewer round trips: one consistent
   * BatchGetItem reads their tenant items; a stale view is then done; a view that only adds or
   * keeps hosts over what its tenant item holds (a new tenant, a plain update) is written in a
   * TransactWriteItems with up to {@link #TRANSACTION_ITEMS} items, every host item and tenant
   * item under the same conditions {@link #apply} uses, all or nothing; every other view (it drops
   * hosts, or one of its items is in the transaction already) goes through {@link #apply}'s steps
   * on its own. A transaction cancelled by a condition (a host another tenant owns, a newer view
   * written meanwhile) or a conflict writes nothing, and its views go through {@link #apply} on
   * their own: so the outcome is that of {@link #apply}, view by view.
   *
   * <p>On DynamoDB a transactional write costs twice the capacity of a plain one and saves a round
   * trip per item; on one shared DynamoDB Local (the demo) round trips are what costs.
   *
   * @param views at most {@link #MAX_BATCH} views; at most one per {@code (tenant, consumer)} is
   *     taken the quick way, the others on their own
   * @return the result of each view, in the order of {@code views}
   */
  public CompletableFuture<List<ApplyResult>> applyAll(List<View> views) {
    if (views.size() > MAX_BATCH) {
      throw new IllegalArgumentException("views must hold at most " + MAX_BATCH + " views, but held " + views.size());
    }
    if (views.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    Set<Map<String, AttributeValue>> keys = new LinkedHashSet<>();
    for (View view : views) {
      keys.add(key(ReadKey.tenant(view.tenantId(), view.consumer()).partitionKey(), view.consumer()));
    }
    return readItems(new ArrayList<>(keys), new HashMap<>(), 1).thenCompose(items -> applyAllOver(views, items));
  }

  private CompletableFuture<List<ApplyResult>> applyAllOver(List<View> views, Map<Map<String, AttributeValue>, Map<String, AttributeValue>> items) {
    List<CompletableFuture<ApplyResult>> results = new ArrayList<>(views.size());
    List<Alone> alone = new ArrayList<>();
    List<Transaction> transactions = new ArrayList<>();
    Transaction open = new Transaction();
    Set<Map<String, AttributeValue>> planned = new HashSet<>();
    for (View view : views) {
      Map<String, AttributeValue> tenantKey = key(ReadKey.tenant(view.tenantId(), view.consumer()).partitionKey(), view.consumer());
      Map<String, AttributeValue> item = items.getOrDefault(tenantKey, Map.of());
      if (Stamp.of(view).olderThan(item.isEmpty() ? Stamp.NONE : versionOf(item))) {
        results.add(CompletableFuture.completedFuture(ApplyResult.STALE));
        continue;
      }
      List<Map<String, AttributeValue>> itemKeys = new ArrayList<>();
      itemKeys.add(tenantKey);
      view.keys().forEach(host -> itemKeys.add(key(ReadKey.host(host, view.consumer()).partitionKey(), view.consumer())));
      boolean quick =
          removedHosts(item, view.keys()).isEmpty()
              && itemKeys.size() <= TRANSACTION_ITEMS
              && new HashSet<>(itemKeys).size() == itemKeys.size()
              && itemKeys.stream().noneMatch(planned::contains);
      if (!quick) {
        Alone one = new Alone(view, item, new CompletableFuture<>());
        alone.add(one);
        results.add(one.result());
        continue;
      }
      String body = view.deleted() ? null : view.body().encode();
      List<TransactWriteItem> writes = quickWrites(view, body);
      int bytes = estimatedBytes(body, writes.size());
      if (!open.fits(writes.size(), bytes)) {
        transactions.add(open);
        open = new Transaction();
      }
      planned.addAll(itemKeys);
      results.add(open.add(view, writes, bytes));
    }
    transactions.add(open);
    transactions.forEach(this::commit);
    inChains(alone, one -> applyOver(one.view(), one.item()).whenComplete((applied, failure) -> settle(one.result(), applied, failure)));
    return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(done -> results.stream().map(CompletableFuture::join).toList());
  }

  /** A view of {@link #applyAll} that goes {@link #apply}'s way, over the tenant item read for it. */
  private record Alone(View view, Map<String, AttributeValue> item, CompletableFuture<ApplyResult> result) {}

  /** Runs {@code action} over {@code items}, at most {@link #ALONE_PARALLEL} at once (that many chains, each one item after the other). */
  private static <T> void inChains(List<T> items, Function<T, CompletableFuture<?>> action) {
    for (int chain = 0; chain < Math.min(ALONE_PARALLEL, items.size()); chain++) {
      CompletableFuture<?> previous = CompletableFuture.completedFuture(null);
      for (int i = chain; i < items.size(); i += ALONE_PARALLEL) {
        T item = items.get(i);
        previous = previous.handle((done, failure) -> null).thenCompose(v -> action.apply(item));
      }
    }
  }

  private static void settle(CompletableFuture<ApplyResult> result, ApplyResult applied, Throwable failure) {
    if (failure == null) {
      result.complete(applied);
    } else {
      result.completeExceptionally(Async.unwrap(failure));
    }
  }

  /** Views written together in one TransactWriteItems. */
  private static final class Transaction {
    final List<View> views = new ArrayList<>();
    final List<TransactWriteItem> writes = new ArrayList<>();
    final List<CompletableFuture<ApplyResult>> results = new ArrayList<>();
    int bytes;

    boolean fits(int items, int moreBytes) {
      return writes.isEmpty() || writes.size() + items <= TRANSACTION_ITEMS && bytes + moreBytes <= TRANSACTION_BYTES;
    }

    CompletableFuture<ApplyResult> add(View view, List<TransactWriteItem> viewWrites, int viewBytes) {
      views.add(view);
      writes.addAll(viewWrites);
      bytes += viewBytes;
      CompletableFuture<ApplyResult> result = new CompletableFuture<>();
      results.add(result);
      return result;
    }
  }

  /** Writes a transaction's views at once; if it is cancelled (nothing written), applies each on its own. */
  private void commit(Transaction transaction) {
    if (transaction.views.isEmpty()) {
      return;
    }
    dynamo
        .transactWriteItems(TransactWriteItemsRequest.builder().transactItems(transaction.writes).build())
        .handle(
            (response, error) -> {
              if (error == null) {
                transaction.results.forEach(result -> result.complete(new ApplyResult(true, List.of())));
                return null;
              }
              Throwable cause = Async.unwrap(error);
              if (!(cause instanceof TransactionCanceledException || cause instanceof TransactionConflictException)) {
                transaction.results.forEach(result -> result.completeExceptionally(cause));
                return null;
              }
              log.debug("view transaction cancelled, applying its views one by one table={} views={} reason={}", table, transaction.views.size(), cause.toString());
              List<Integer> each = new ArrayList<>();
              for (int i = 0; i < transaction.views.size(); i++) {
                each.add(i);
              }
              inChains(each, i -> apply(transaction.views.get(i)).whenComplete((applied, failure) -> settle(transaction.results.get(i), applied, failure)));
              return null;
            });
  }

  /** What {@link #apply} writes for a view that drops no host, under the same conditions: its host items, then its tenant item. */
  private List<TransactWriteItem> quickWrites(View view, String body) {
    List<TransactWriteItem> writes = new ArrayList<>(view.keys().size() + 1);
    for (String host : view.keys()) {
      UpdateItemRequest update = ownerUpdate(ReadKey.host(host, view.consumer()).partitionKey(), view, view.deleted(), body, PUT_HOST_IF, Map.of());
      writes.add(TransactWriteItem.builder()
          .update(u -> u.tableName(table).key(update.key()).updateExpression(update.updateExpression()).conditionExpression(update.conditionExpression())
              .expressionAttributeNames(update.expressionAttributeNames()).expressionAttributeValues(update.expressionAttributeValues()))
          .build());
    }
    PutItemRequest put = tenantPut(view, ReadKey.tenant(view.tenantId(), view.consumer()).partitionKey(), body);
    writes.add(TransactWriteItem.builder()
        .put(p -> p.tableName(table).item(put.item()).conditionExpression(put.conditionExpression())
            .expressionAttributeNames(put.expressionAttributeNames()).expressionAttributeValues(put.expressionAttributeValues()))
        .build());
    return writes;
  }

  /** A generous guess of a view's share of a transaction's size: its body on every item, plus keys and attributes. */
  private static int estimatedBytes(String body, int items) {
    int bodyBytes = body == null ? 0 : body.length() * 3; // a UTF-16 char is at most 3 bytes of UTF-8
    return items * (bodyBytes + 1024);
  }

  /**
   * Reads the items at {@code keys} with one consistent BatchGetItem, and the keys DynamoDB left
   * unprocessed again (after a short pause), up to {@link #BATCH_GET_ATTEMPTS} rounds.
   */
  private CompletableFuture<Map<Map<String, AttributeValue>, Map<String, AttributeValue>>> readItems(
      List<Map<String, AttributeValue>> keys, Map<Map<String, AttributeValue>, Map<String, AttributeValue>> found, int attempt) {
    BatchGetItemRequest request =
        BatchGetItemRequest.builder()
            .requestItems(Map.of(table, KeysAndAttributes.builder().keys(keys).consistentRead(true).build()))
            .build();
    return dynamo
        .batchGetItem(request)
        .thenCompose(
            response -> {
              for (Map<String, AttributeValue> item : response.responses().getOrDefault(table, List.of())) {
                found.put(key(string(item, PK), string(item, CONSUMER)), item);
              }
              KeysAndAttributes left = response.hasUnprocessedKeys() ? response.unprocessedKeys().get(table) : null;
              if (left == null || left.keys().isEmpty()) {
                return CompletableFuture.completedFuture(found);
              }
              if (attempt >= BATCH_GET_ATTEMPTS) {
                return CompletableFuture.failedFuture(
                    new IllegalStateException("DynamoDB left " + left.keys().size() + " keys of table " + table + " unread after " + attempt + " attempts"));
              }
              Executor later = CompletableFuture.delayedExecutor(20L * attempt, TimeUnit.MILLISECONDS);
              return CompletableFuture.supplyAsync(() -> null, later).thenCompose(v -> readItems(left.keys(), found, attempt + 1));
            });
  }

  /** {@link #apply} once the tenant item ({@code item}, empty if absent) was read. */
  private CompletableFuture<ApplyResult> applyOver(View view, Map<String, AttributeValue> item) {
    String tenantKey = ReadKey.tenant(view.tenantId(), view.consumer()).partitionKey();
    Stamp stored = item.isEmpty() ? Stamp.NONE : versionOf(item);
    if (Stamp.of(view).olderThan(stored)) {
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
  }

  private CompletableFuture<Boolean> putTenant(View view, String tenantKey, String body) {
    return conditionHeld(dynamo.putItem(tenantPut(view, tenantKey, body)));
  }

  /** The conditional put of a view's tenant item. */
  private PutItemRequest tenantPut(View view, String tenantKey, String body) {
    Map<String, AttributeValue> item = item(tenantKey, view, view.deleted(), body);
    List<AttributeValue> keys = new ArrayList<>(view.keys().size());
    view.keys().forEach(host -> keys.add(AttributeValue.fromS(host)));
    item.put(KEYS, AttributeValue.fromL(keys));
    return putRequest(item, PUT_TENANT_IF, values(view));
  }

  private CompletableFuture<Void> putHost(View view, String host, String body) {
    String hostKey = ReadKey.host(host, view.consumer()).partitionKey();
    return updateOwner(hostKey, view, view.deleted(), body, PUT_HOST_IF, Map.of())
        .thenCompose(written -> written ? CompletableFuture.completedFuture(null) : claimHost(view, host, body, hostKey, 1));
  }

  /**
   * The host item belongs to another tenant (or a newer view of this one): take it if its owner
   * has let it go, else leave this view's claim waiting on the item. Each step is conditional on
   * the item not having changed since it was read, and starts over if it had.
   */
  private CompletableFuture<Void> claimHost(View view, String host, String body, String hostKey, int attempt) {
    if (attempt > HOST_ATTEMPTS) {
      return CompletableFuture.failedFuture(new IllegalStateException("host item " + hostKey + " kept changing while claiming it"));
    }
    return readItem(hostKey, view.consumer())
        .thenCompose(
            item -> {
              if (item.isEmpty() || isDeleted(item) && !view.tenantId().equals(string(item, TENANT))) {
                return retryClaim(updateOwner(hostKey, view, view.deleted(), body, PUT_HOST_IF, Map.of()), view, host, body, hostKey, attempt);
              }
              String owner = string(item, TENANT);
              if (view.tenantId().equals(owner)) {
                return CompletableFuture.completedFuture(null); // a newer view of this tenant holds it
              }
              Map<String, AttributeValue> unchanged = unchangedValues(item);
              return claims(owner, view.consumer(), host)
                  .thenCompose(
                      ownerClaims -> {
                        if (!ownerClaims) {
                          return retryClaim(updateOwner(hostKey, view, view.deleted(), body, UNCHANGED_IF, unchanged), view, host, body, hostKey, attempt);
                        }
                        return shouldWait(item, view, host)
                            .thenCompose(
                                wait ->
                                    wait
                                        ? retryClaim(setPending(hostKey, view, body, unchanged), view, host, body, hostKey, attempt)
                                        : CompletableFuture.completedFuture(null));
                      });
            });
  }

  private CompletableFuture<Void> retryClaim(
      CompletableFuture<Boolean> write, View view, String host, String body, String hostKey, int attempt) {
    return write.thenCompose(written -> written ? CompletableFuture.completedFuture(null) : claimHost(view, host, body, hostKey, attempt + 1));
  }

  /** Whether {@code view} should replace the claim waiting on the host item (if any). */
  private CompletableFuture<Boolean> shouldWait(Map<String, AttributeValue> item, View view, String host) {
    String pending = string(item, PENDING_TENANT);
    if (pending == null) {
      return CompletableFuture.completedFuture(true);
    }
    if (pending.equals(view.tenantId())) {
      Stamp waiting = new Stamp(number(item, PENDING_VERSION), number(item, PENDING_REVISION));
      return CompletableFuture.completedFuture(!Stamp.of(view).olderThan(waiting));
    }
    return claims(pending, view.consumer(), host).thenApply(otherClaims -> !otherClaims);
  }

  /**
   * A host the tenant dropped: a tombstone if it is still this tenant's and nobody waits for it;
   * handed to the waiting claimant if that tenant still lists the host; and this tenant's own
   * waiting claim withdrawn if the host belongs to another tenant.
   */
  private CompletableFuture<Void> retireHost(View view, String host) {
    String hostKey = ReadKey.host(host, view.consumer()).partitionKey();
    return updateOwner(hostKey, view, true, null, RETIRE_HOST_IF, Map.of())
        .thenCompose(written -> written ? CompletableFuture.completedFuture(null) : releaseHost(view, host, hostKey, 1));
  }

  private CompletableFuture<Void> releaseHost(View view, String host, String hostKey, int attempt) {
    if (attempt > HOST_ATTEMPTS) {
      return CompletableFuture.failedFuture(new IllegalStateException("host item " + hostKey + " kept changing while retiring it"));
    }
    return readItem(hostKey, view.consumer())
        .thenCompose(
            item -> {
              if (item.isEmpty()) {
                return CompletableFuture.completedFuture(null);
              }
              String owner = string(item, TENANT);
              String pending = string(item, PENDING_TENANT);
              Map<String, AttributeValue> unchanged = unchangedValues(item);
              if (!view.tenantId().equals(owner)) {
                boolean ownClaimWaits =
                    view.tenantId().equals(pending)
                        && Stamp.of(view).newerThan(new Stamp(number(item, PENDING_VERSION), number(item, PENDING_REVISION)));
                return ownClaimWaits
                    ? retryRelease(clearPending(hostKey, view.consumer(), unchanged), view, host, hostKey, attempt)
                    : CompletableFuture.completedFuture(null);
              }
              if (Stamp.of(view).olderThan(versionOf(item))) {
                return CompletableFuture.completedFuture(null);
              }
              if (pending == null || pending.equals(view.tenantId())) {
                return retryRelease(updateOwner(hostKey, view, true, null, UNCHANGED_IF + " REMOVE_PENDING", unchanged), view, host, hostKey, attempt);
              }
              return claims(pending, view.consumer(), host)
                  .thenCompose(
                      claimantClaims ->
                          retryRelease(
                              claimantClaims
                                  ? promotePending(hostKey, view.consumer(), item, unchanged)
                                  : updateOwner(hostKey, view, true, null, UNCHANGED_IF + " REMOVE_PENDING", unchanged),
                              view, host, hostKey, attempt));
            });
  }

  private CompletableFuture<Void> retryRelease(CompletableFuture<Boolean> write, View view, String host, String hostKey, int attempt) {
    return write.thenCompose(written -> written ? CompletableFuture.completedFuture(null) : releaseHost(view, host, hostKey, attempt + 1));
  }

  /** True if {@code tenantId}'s current view for {@code consumer} is live and lists {@code host}. */
  private CompletableFuture<Boolean> claims(String tenantId, String consumer, String host) {
    return readItem(ReadKey.tenant(tenantId, consumer).partitionKey(), consumer)
        .thenApply(
            item -> {
              if (item.isEmpty() || isDeleted(item)) {
                return false;
              }
              AttributeValue keys = item.get(KEYS);
              return keys != null && keys.hasL() && keys.l().stream().anyMatch(k -> host.equals(k.s()));
            });
  }

  private CompletableFuture<Map<String, AttributeValue>> readItem(String partitionKey, String consumer) {
    GetItemRequest request = GetItemRequest.builder().tableName(table).key(key(partitionKey, consumer)).consistentRead(true).build();
    return dynamo.getItem(request).thenApply(response -> response.hasItem() ? response.item() : Map.of());
  }

  /**
   * The host item is still as it was read: same owner at the same view and the same waiting
   * claim. The condition depends on whether a claim was waiting: see {@link #unchangedValues}.
   */
  private static final String UNCHANGED_IF = "UNCHANGED";

  private static final String UNCHANGED_BASE = "#tenantId = :seenTenant AND #version = :seenVersion AND #revision = :seenRevision AND ";

  /** The values of {@link #UNCHANGED_IF}; {@code :seenPending} absent when no claim was waiting. */
  private static Map<String, AttributeValue> unchangedValues(Map<String, AttributeValue> item) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":seenTenant", item.get(TENANT));
    values.put(":seenVersion", item.get(VERSION));
    values.put(":seenRevision", item.get(REVISION));
    String pending = string(item, PENDING_TENANT);
    if (pending != null) {
      values.put(":seenPending", AttributeValue.fromS(pending));
    }
    return values;
  }

  /** Expands {@link #UNCHANGED_IF} for the values it was read with. */
  private static String expand(String condition, Map<String, AttributeValue> values) {
    if (!condition.startsWith(UNCHANGED_IF)) {
      return condition;
    }
    String pending = values.containsKey(":seenPending") ? "#pendingTenantId = :seenPending" : "attribute_not_exists(#pendingTenantId)";
    return UNCHANGED_BASE + pending + condition.substring(UNCHANGED_IF.length());
  }

  /**
   * Sets the owner fields of a host item (keeping a waiting claim, unless {@code condition} ends
   * with {@code REMOVE_PENDING}), if {@code condition} holds. Completes with false when it did not.
   */
  private CompletableFuture<Boolean> updateOwner(
      String hostKey, View view, boolean deleted, String body, String condition, Map<String, AttributeValue> extraValues) {
    return conditionHeld(dynamo.updateItem(ownerUpdate(hostKey, view, deleted, body, condition, extraValues)));
  }

  /** The request of {@link #updateOwner}. */
  private UpdateItemRequest ownerUpdate(
      String hostKey, View view, boolean deleted, String body, String condition, Map<String, AttributeValue> extraValues) {
    boolean removePending = condition.endsWith(" REMOVE_PENDING");
    String cond = removePending ? condition.substring(0, condition.length() - " REMOVE_PENDING".length()) : condition;
    Map<String, AttributeValue> values = new HashMap<>(values(view));
    values.putAll(extraValues);
    values.put(":true", AttributeValue.fromBool(true));
    values.put(":deleted", AttributeValue.fromBool(deleted));
    values.put(":appliedAt", AttributeValue.fromS(clock.instant().toString()));
    StringBuilder update = new StringBuilder("SET #tenantId = :tenantId, #version = :version, #revision = :revision, #deleted = :deleted, #appliedAt = :appliedAt");
    List<String> removes = new ArrayList<>();
    if (!deleted && body != null) {
      values.put(":body", AttributeValue.fromS(body));
      update.append(", #body = :body");
    } else {
      removes.add("#body");
    }
    if (removePending) {
      removes.addAll(List.of("#pendingTenantId", "#pendingVersion", "#pendingRevision", "#pendingBody"));
    }
    if (!removes.isEmpty()) {
      update.append(" REMOVE ").append(String.join(", ", removes));
    }
    return updateRequest(hostKey, view.consumer(), update.toString(), cond, values);
  }

  private CompletableFuture<Boolean> setPending(String hostKey, View view, String body, Map<String, AttributeValue> unchanged) {
    Map<String, AttributeValue> values = new HashMap<>(unchanged);
    values.put(":pendingTenant", AttributeValue.fromS(view.tenantId()));
    values.put(":pendingVersion", AttributeValue.fromN(Long.toString(view.version())));
    values.put(":pendingRevision", AttributeValue.fromN(Long.toString(view.revision())));
    values.put(":pendingBody", AttributeValue.fromS(body == null ? "{}" : body));
    return conditionalUpdate(
        hostKey,
        view.consumer(),
        "SET #pendingTenantId = :pendingTenant, #pendingVersion = :pendingVersion, #pendingRevision = :pendingRevision, #pendingBody = :pendingBody",
        UNCHANGED_IF,
        values);
  }

  private CompletableFuture<Boolean> clearPending(String hostKey, String consumer, Map<String, AttributeValue> unchanged) {
    return conditionalUpdate(hostKey, consumer, "REMOVE #pendingTenantId, #pendingVersion, #pendingRevision, #pendingBody", UNCHANGED_IF, unchanged);
  }

  /** Makes the waiting claim the owner of the host item. */
  private CompletableFuture<Boolean> promotePending(String hostKey, String consumer, Map<String, AttributeValue> item, Map<String, AttributeValue> unchanged) {
    Map<String, AttributeValue> values = new HashMap<>(unchanged);
    values.put(":tenantId", item.get(PENDING_TENANT));
    values.put(":version", item.get(PENDING_VERSION));
    values.put(":revision", item.get(PENDING_REVISION));
    values.put(":body", item.get(PENDING_BODY));
    values.put(":false", AttributeValue.fromBool(false));
    values.put(":appliedAt", AttributeValue.fromS(clock.instant().toString()));
    return conditionalUpdate(
        hostKey,
        consumer,
        "SET #tenantId = :tenantId, #version = :version, #revision = :revision, #deleted = :false, #body = :body, #appliedAt = :appliedAt"
            + " REMOVE #pendingTenantId, #pendingVersion, #pendingRevision, #pendingBody",
        UNCHANGED_IF,
        values);
  }

  private static final Map<String, String> UPDATE_NAMES =
      Map.ofEntries(
          Map.entry("#pk", PK),
          Map.entry("#tenantId", TENANT),
          Map.entry("#version", VERSION),
          Map.entry("#revision", REVISION),
          Map.entry("#deleted", DELETED),
          Map.entry("#body", BODY),
          Map.entry("#appliedAt", APPLIED_AT),
          Map.entry("#pendingTenantId", PENDING_TENANT),
          Map.entry("#pendingVersion", PENDING_VERSION),
          Map.entry("#pendingRevision", PENDING_REVISION),
          Map.entry("#pendingBody", PENDING_BODY));

  /** An UpdateItem with only the names and values its expressions use; false when the condition did not hold. */
  private CompletableFuture<Boolean> conditionalUpdate(
      String partitionKey, String consumer, String update, String unexpanded, Map<String, AttributeValue> values) {
    return conditionHeld(dynamo.updateItem(updateRequest(partitionKey, consumer, update, unexpanded, values)));
  }

  /** The UpdateItem of {@link #conditionalUpdate}. */
  private UpdateItemRequest updateRequest(
      String partitionKey, String consumer, String update, String unexpanded, Map<String, AttributeValue> values) {
    String condition = expand(unexpanded, values);
    String expressions = update + " " + condition;
    Map<String, String> names = new HashMap<>();
    UPDATE_NAMES.forEach((placeholder, name) -> {
      if (containsToken(expressions, placeholder)) {
        names.put(placeholder, name);
      }
    });
    Map<String, AttributeValue> used = new HashMap<>();
    values.forEach((placeholder, value) -> {
      if (containsToken(expressions, placeholder)) {
        used.put(placeholder, value);
      }
    });
    UpdateItemRequest request =
        UpdateItemRequest.builder()
            .tableName(table)
            .key(key(partitionKey, consumer))
            .updateExpression(update)
            .conditionExpression(condition)
            .expressionAttributeNames(names)
            .expressionAttributeValues(used)
            .build();
    return request;
  }

  /** True if {@code text} holds {@code token} not followed by another name character ({@code :version} vs {@code :versionX}). */
  private static boolean containsToken(String text, String token) {
    int from = 0;
    while (true) {
      int at = text.indexOf(token, from);
      if (at < 0) {
        return false;
      }
      int end = at + token.length();
      if (end >= text.length() || !Character.isLetterOrDigit(text.charAt(end))) {
        return true;
      }
      from = end;
    }
  }

  private static boolean isDeleted(Map<String, AttributeValue> item) {
    AttributeValue deleted = item.get(DELETED);
    return deleted != null && Boolean.TRUE.equals(deleted.bool());
  }

  private static String string(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null ? null : value.s();
  }

  /** A PutItem of {@code item} under {@code condition}. */
  private PutItemRequest putRequest(Map<String, AttributeValue> item, String condition, Map<String, AttributeValue> values) {
    PutItemRequest request =
        PutItemRequest.builder()
            .tableName(table)
            .item(item)
            .conditionExpression(condition)
            .expressionAttributeNames(names(condition))
            .expressionAttributeValues(condition.contains(":tenantId") ? values : withoutTenant(values))
            .build();
    return request;
  }

  /** True when the write happened, false when its condition did not hold; any other failure fails the future. */
  private static CompletableFuture<Boolean> conditionHeld(CompletableFuture<?> write) {
    return write.handle(
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
