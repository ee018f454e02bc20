package dev.tcs.catalogue.store;

import static dev.tcs.catalogue.store.CatalogueTable.CLAIMED_AT;
import static dev.tcs.catalogue.store.CatalogueTable.CLAIM_SK;
import static dev.tcs.catalogue.store.CatalogueTable.DELETED;
import static dev.tcs.catalogue.store.CatalogueTable.DOC;
import static dev.tcs.catalogue.store.CatalogueTable.EVENT;
import static dev.tcs.catalogue.store.CatalogueTable.HEAD_SK;
import static dev.tcs.catalogue.store.CatalogueTable.HOSTS;
import static dev.tcs.catalogue.store.CatalogueTable.OUTBOX;
import static dev.tcs.catalogue.store.CatalogueTable.OUTBOX_INDEX;
import static dev.tcs.catalogue.store.CatalogueTable.OWNER;
import static dev.tcs.catalogue.store.CatalogueTable.PENDING_SINCE;
import static dev.tcs.catalogue.store.CatalogueTable.PK;
import static dev.tcs.catalogue.store.CatalogueTable.PUBLISHED;
import static dev.tcs.catalogue.store.CatalogueTable.SK;
import static dev.tcs.catalogue.store.CatalogueTable.TENANTS_INDEX;
import static dev.tcs.catalogue.store.CatalogueTable.TENANT_ID;
import static dev.tcs.catalogue.store.CatalogueTable.TYPE;
import static dev.tcs.catalogue.store.CatalogueTable.UPDATED_AT;
import static dev.tcs.catalogue.store.CatalogueTable.VERSION;
import static dev.tcs.catalogue.store.CatalogueTable.eventKey;
import static dev.tcs.catalogue.store.CatalogueTable.hostKey;
import static dev.tcs.catalogue.store.CatalogueTable.tenantKey;

import dev.tcs.core.dynamo.Async;
import dev.tcs.core.model.CatalogueEvent;
import dev.tcs.core.model.Hosts;
import dev.tcs.core.model.TenantIds;
import dev.tcs.core.model.ValidationException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The {@link EventStore} on DynamoDB, in one table ({@link CatalogueTable} has the layout). An
 * append is one {@code TransactWriteItems}: put the event if its version is free, update the
 * head if it is still at the expected version, claim new hosts if unclaimed or already ours,
 * release dropped hosts. The event id is the transaction's idempotency token, so an SDK retry of
 * a transaction that did commit is answered as committed, not as a conflict.
 *
 * <p>Appends are group-committed ({@link GroupCommit}): while {@code inFlight} append
 * transactions are in flight, the appends of other tenants that arrive wait and share the next
 * transaction (its idempotency token then comes from the SDK); each still gets its own outcome.
 *
 * <p>Uses the async SDK client only; every future completes on the caller's Vert.x context.
 */
public final class DynamoEventStore implements EventStore {
  /** The most hosts a document may hold: a transaction of 2 + 2 x 32 items stays under DynamoDB's 100. */
  public static final int MAX_HOSTS = 32;

  /** Appends one transaction carries at most, by default. */
  public static final int DEFAULT_GROUP_MAX = 16;

  /** Append transactions in flight before appends wait to be grouped, by default. */
  public static final int DEFAULT_IN_FLIGHT = 2;

  private static final String CONDITION_FAILED = "ConditionalCheckFailed";
  private static final String TRANSACTION_CONFLICT = "TransactionConflict";

  private final Vertx vertx;
  private final DynamoDbAsyncClient dynamo;
  private final String table;
  private final GroupCommit groups;

  /** A store whose appends are grouped with the defaults ({@link #DEFAULT_GROUP_MAX}, {@link #DEFAULT_IN_FLIGHT}). */
  public DynamoEventStore(Vertx vertx, DynamoDbAsyncClient dynamo, String table) {
    this(vertx, dynamo, table, DEFAULT_GROUP_MAX, DEFAULT_IN_FLIGHT);
  }

  /**
   * @param groupMax the most appends one transaction carries (1: each append alone, as before group commit)
   * @param inFlight append transactions in flight before further appends wait to be grouped
   */
  public DynamoEventStore(Vertx vertx, DynamoDbAsyncClient dynamo, String table, int groupMax, int inFlight) {
    this.vertx = vertx;
    this.dynamo = dynamo;
    this.table = table;
    this.groups = new GroupCommit(dynamo, groupMax, inFlight, this::translate);
  }

  /** Creates the table and its indexes unless they exist; fails if an existing table has another layout. */
  public Future<Void> ensureTable() {
    return CatalogueTable.ensure(context(), dynamo, table);
  }

  /** A cheap strongly consistent read, for the readiness check. */
  public Future<Void> probe() {
    return Async.on(context(), dynamo.describeTable(b -> b.tableName(table))).mapEmpty();
  }

  public String table() {
    return table;
  }

  @Override
  public Future<Head> head(String tenantId) {
    return Async.on(
            context(),
            dynamo.getItem(b -> b.tableName(table).key(key(tenantKey(tenantId), HEAD_SK)).consistentRead(true)))
        .map(response -> response.hasItem() && !response.item().isEmpty() ? toHead(response.item()) : null);
  }

  @Override
  public Future<Void> append(Head before, CatalogueEvent event) {
    long expected = before == null ? 0 : before.version();
    if (event.version() != expected + 1) {
      return Future.failedFuture(
          new IllegalArgumentException("event version " + event.version() + " must follow head version " + expected));
    }
    List<String> newHosts =
        event.isDeletion() ? List.of() : Hosts.fromJson("hosts", event.document().getValue("hosts"));
    List<String> oldHosts = before == null ? List.of() : before.hosts();
    List<Slot> slots = new ArrayList<>();
    List<TransactWriteItem> items = new ArrayList<>();
    slots.add(new Slot(SlotKind.EVENT, null));
    items.add(TransactWriteItem.builder().put(eventPut(event)).build());
    slots.add(new Slot(SlotKind.HEAD, null));
    items.add(TransactWriteItem.builder().update(headUpdate(before, event, newHosts)).build());
    for (String host : newHosts) {
      if (!oldHosts.contains(host)) {
        slots.add(new Slot(SlotKind.CLAIM, host));
        items.add(TransactWriteItem.builder().put(claimPut(event, host)).build());
      }
    }
    for (String host : oldHosts) {
      if (!newHosts.contains(host)) {
        slots.add(new Slot(SlotKind.RELEASE, host));
        items.add(TransactWriteItem.builder().delete(claimDelete(event.tenantId(), host)).build());
      }
    }
    if (items.size() > GroupCommit.MAX_ITEMS) {
      return Future.failedFuture(
          new IllegalArgumentException("an append may change at most " + MAX_HOSTS + " hosts"));
    }
    Set<String> keys = new HashSet<>();
    keys.add("t:" + event.tenantId());
    for (Slot slot : slots) {
      if (slot.host() != null) {
        keys.add("h:" + slot.host());
      }
    }
    // Upper bound of the request bytes (3 per char in UTF-8): the event, the document again in
    // the head, and the attribute names and expressions of each item.
    long bytes = 3L * (2L * items.get(0).put().item().get(EVENT).s().length() + 512L * items.size());
    GroupCommit.Member member =
        new GroupCommit.Member(
            event.tenantId(), expected, event.eventId().length() <= 36 ? event.eventId() : null, items, slots, keys, bytes);
    return Async.on(context(), groups.submit(member));
  }

  /** The group commit of this store's appends (tests read its counters and hold its monitor). */
  GroupCommit groupCommit() {
    return groups;
  }

  @Override
  public Future<CatalogueEvent> event(String tenantId, long version) {
    return Async.on(
            context(),
            dynamo.getItem(
                b -> b.tableName(table).key(key(tenantKey(tenantId), eventKey(version))).consistentRead(true)))
        .map(response -> response.hasItem() && !response.item().isEmpty() ? toEvent(response.item()) : null);
  }

  @Override
  public Future<Page<CatalogueEvent>> history(String tenantId, long fromVersion, int limit) {
    QueryRequest request =
        eventRange(tenantId, 1, fromVersion).scanIndexForward(false).limit(limit).build();
    return Async.on(context(), dynamo.query(request))
        .map(
            response -> {
              List<CatalogueEvent> events = toEvents(response);
              long last = events.isEmpty() ? 1 : events.get(events.size() - 1).version();
              return new Page<>(events, last > 1 ? Long.toString(last - 1) : null);
            });
  }

  @Override
  public Future<List<CatalogueEvent>> events(String tenantId, long fromVersion, long toVersion) {
    if (toVersion < fromVersion) {
      return Future.succeededFuture(List.of());
    }
    int limit = (int) Math.min(MAX_EVENTS_PER_READ, toVersion - fromVersion + 1);
    QueryRequest request =
        eventRange(tenantId, fromVersion, toVersion).scanIndexForward(true).limit(limit).build();
    return Async.on(context(), dynamo.query(request)).map(DynamoEventStore::toEvents);
  }

  @Override
  public Future<Page<TenantSummary>> tenants(String cursor, int limit) {
    ScanRequest.Builder request = ScanRequest.builder().tableName(table).indexName(TENANTS_INDEX).limit(limit);
    if (cursor != null) {
      String after = decodeCursor(cursor);
      request.exclusiveStartKey(
          Map.of(TENANT_ID, s(after), PK, s(tenantKey(after)), SK, s(HEAD_SK)));
    }
    return Async.on(context(), dynamo.scan(request.build()))
        .map(
            response -> {
              List<TenantSummary> items = new ArrayList<>(response.count());
              for (Map<String, AttributeValue> item : response.items()) {
                items.add(
                    new TenantSummary(
                        item.get(TENANT_ID).s(),
                        number(item, VERSION),
                        bool(item, DELETED),
                        Instant.parse(item.get(UPDATED_AT).s())));
              }
              return new Page<>(items, nextCursor(response, TENANT_ID, true));
            });
  }

  @Override
  public Future<Page<PendingTenant>> pending(String cursor, int limit) {
    ScanRequest.Builder request = ScanRequest.builder().tableName(table).indexName(OUTBOX_INDEX).limit(limit);
    if (cursor != null) {
      request.exclusiveStartKey(Map.of(OUTBOX, s(cursor), PK, s(tenantKey(cursor)), SK, s(HEAD_SK)));
    }
    return Async.on(context(), dynamo.scan(request.build()))
        .map(
            response -> {
              List<PendingTenant> items = new ArrayList<>(response.count());
              for (Map<String, AttributeValue> item : response.items()) {
                AttributeValue since = item.get(PENDING_SINCE);
                items.add(new PendingTenant(item.get(OUTBOX).s(), since == null ? Instant.EPOCH : Instant.parse(since.s())));
              }
              return new Page<>(items, nextCursor(response, OUTBOX, false));
            });
  }

  @Override
  public Future<Void> markPublished(String tenantId, long version) {
    Map<String, String> names = Map.of("#v", VERSION, "#p", PUBLISHED, "#o", OUTBOX, "#s", PENDING_SINCE);
    Map<String, AttributeValue> values = Map.of(":v", n(version));
    UpdateItemRequest caughtUp =
        UpdateItemRequest.builder()
            .tableName(table)
            .key(key(tenantKey(tenantId), HEAD_SK))
            .updateExpression("SET #p = :v REMOVE #o, #s")
            .conditionExpression("#v = :v AND #p < :v")
            .expressionAttributeNames(names)
            .expressionAttributeValues(values)
            .build();
    UpdateItemRequest partly =
        UpdateItemRequest.builder()
            .tableName(table)
            .key(key(tenantKey(tenantId), HEAD_SK))
            .updateExpression("SET #p = :v")
            .conditionExpression("#v > :v AND #p < :v")
            .expressionAttributeNames(Map.of("#v", VERSION, "#p", PUBLISHED))
            .expressionAttributeValues(values)
            .build();
    return Async.on(context(), dynamo.updateItem(caughtUp))
        .<Void>mapEmpty()
        .recover(
            e ->
                e instanceof ConditionalCheckFailedException
                    ? Async.on(context(), dynamo.updateItem(partly)).<Void>mapEmpty()
                    : Future.failedFuture(e))
        // Neither held: someone already published at least this far. Nothing to do.
        .recover(e -> e instanceof ConditionalCheckFailedException ? Future.succeededFuture() : Future.failedFuture(e));
  }

  // ---- encoding ----

  private Put eventPut(CatalogueEvent event) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(PK, s(tenantKey(event.tenantId())));
    item.put(SK, s(eventKey(event.version())));
    item.put(EVENT, s(event.toJson().encode()));
    item.put(TYPE, s(event.type().wireName()));
    item.put(VERSION, n(event.version()));
    return Put.builder()
        .tableName(table)
        .item(item)
        .conditionExpression("attribute_not_exists(#pk)")
        .expressionAttributeNames(Map.of("#pk", PK))
        .build();
  }

  private Update headUpdate(Head before, CatalogueEvent event, List<String> hosts) {
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    names.put("#t", TENANT_ID);
    names.put("#v", VERSION);
    names.put("#d", DELETED);
    names.put("#h", HOSTS);
    names.put("#u", UPDATED_AT);
    names.put("#o", OUTBOX);
    names.put("#s", PENDING_SINCE);
    names.put("#p", PUBLISHED);
    names.put("#doc", DOC);
    values.put(":t", s(event.tenantId()));
    values.put(":v", n(event.version()));
    values.put(":d", AttributeValue.fromBool(event.isDeletion()));
    values.put(":h", AttributeValue.fromL(hosts.stream().map(DynamoEventStore::s).toList()));
    values.put(":u", s(event.occurredAt().toString()));
    values.put(":zero", n(0));
    StringBuilder expression =
        new StringBuilder(
            "SET #t = :t, #v = :v, #d = :d, #h = :h, #u = :u, #o = :t,"
                + " #s = if_not_exists(#s, :u), #p = if_not_exists(#p, :zero)");
    if (event.isDeletion()) {
      expression.append(" REMOVE #doc");
    } else {
      expression.append(", #doc = :doc");
      values.put(":doc", s(event.document().encode()));
    }
    String condition;
    if (before == null) {
      names.put("#pk", PK);
      condition = "attribute_not_exists(#pk)";
    } else {
      values.put(":expected", n(before.version()));
      condition = "#v = :expected";
    }
    return Update.builder()
        .tableName(table)
        .key(key(tenantKey(event.tenantId()), HEAD_SK))
        .updateExpression(expression.toString())
        .conditionExpression(condition)
        .expressionAttributeNames(names)
        .expressionAttributeValues(values)
        .build();
  }

  private Put claimPut(CatalogueEvent event, String host) {
    return Put.builder()
        .tableName(table)
        .item(
            Map.of(
                PK, s(hostKey(host)),
                SK, s(CLAIM_SK),
                OWNER, s(event.tenantId()),
                CLAIMED_AT, s(event.occurredAt().toString())))
        .conditionExpression("attribute_not_exists(#pk) OR #owner = :t")
        .expressionAttributeNames(Map.of("#pk", PK, "#owner", OWNER))
        .expressionAttributeValues(Map.of(":t", s(event.tenantId())))
        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
        .build();
  }

  private Delete claimDelete(String tenantId, String host) {
    return Delete.builder()
        .tableName(table)
        .key(key(hostKey(host), CLAIM_SK))
        .conditionExpression("attribute_not_exists(#pk) OR #owner = :t")
        .expressionAttributeNames(Map.of("#pk", PK, "#owner", OWNER))
        .expressionAttributeValues(Map.of(":t", s(tenantId)))
        .build();
  }

  private QueryRequest.Builder eventRange(String tenantId, long fromVersion, long toVersion) {
    return QueryRequest.builder()
        .tableName(table)
        .consistentRead(true)
        .keyConditionExpression("#pk = :pk AND #sk BETWEEN :lo AND :hi")
        .expressionAttributeNames(Map.of("#pk", PK, "#sk", SK))
        .expressionAttributeValues(
            Map.of(
                ":pk", s(tenantKey(tenantId)),
                ":lo", s(eventKey(Math.max(1, fromVersion))),
                ":hi", s(eventKey(Math.max(1, toVersion)))));
  }

  /** One member's error from its own items' cancellation reasons (null: none failed a condition). */
  private RuntimeException translate(GroupCommit.Member member, List<CancellationReason> reasons) {
    return translate(reasons, member.slots, member.tenantId, member.expected);
  }

  /**
   * Says which condition of the transaction failed. A lost version (event or head condition) or
   * a concurrent transaction wins over a taken host: after re-reading, the host may be free.
   */
  static RuntimeException translate(
      TransactionCanceledException canceled, List<Slot> slots, String tenantId, long expected) {
    RuntimeException translated =
        translate(canceled.hasCancellationReasons() ? canceled.cancellationReasons() : List.of(), slots, tenantId, expected);
    return translated != null ? translated : canceled;
  }

  /** The error of one append from its items' cancellation reasons; null when none names it. */
  static RuntimeException translate(
      List<CancellationReason> reasons, List<Slot> slots, String tenantId, long expected) {
    HostConflictException hostConflict = null;
    for (int i = 0; i < reasons.size() && i < slots.size(); i++) {
      String code = reasons.get(i).code();
      Slot slot = slots.get(i);
      if (TRANSACTION_CONFLICT.equals(code)) {
        return new VersionConflictException(tenantId, expected, "concurrent transaction");
      }
      if (!CONDITION_FAILED.equals(code)) {
        continue;
      }
      switch (slot.kind()) {
        case EVENT, HEAD -> {
          return new VersionConflictException(tenantId, expected, slot.kind() == SlotKind.EVENT ? "event exists" : "head moved");
        }
        case CLAIM -> {
          if (hostConflict == null) {
            Map<String, AttributeValue> old = reasons.get(i).item();
            AttributeValue owner = old == null ? null : old.get(OWNER);
            hostConflict = new HostConflictException(slot.host(), owner == null ? null : owner.s());
          }
        }
        case RELEASE ->
            throw new IllegalStateException(
                "tenant " + tenantId + " held host " + slot.host() + " in its head but not in its claim");
      }
    }
    return hostConflict;
  }

  /** What one item of an append transaction is for, to read its cancellation reason. */
  enum SlotKind {
    EVENT,
    HEAD,
    CLAIM,
    RELEASE
  }

  record Slot(SlotKind kind, String host) {}

  // ---- decoding ----

  static Head toHead(Map<String, AttributeValue> item) {
    boolean deleted = bool(item, DELETED);
    AttributeValue doc = item.get(DOC);
    AttributeValue hosts = item.get(HOSTS);
    return new Head(
        item.get(TENANT_ID).s(),
        number(item, VERSION),
        deleted,
        deleted || doc == null ? null : new JsonObject(doc.s()),
        hosts == null || !hosts.hasL() ? List.of() : hosts.l().stream().map(AttributeValue::s).toList(),
        Instant.parse(item.get(UPDATED_AT).s()),
        number(item, PUBLISHED));
  }

  private static CatalogueEvent toEvent(Map<String, AttributeValue> item) {
    return CatalogueEvent.fromJson(new JsonObject(item.get(EVENT).s()));
  }

  private static List<CatalogueEvent> toEvents(QueryResponse response) {
    List<CatalogueEvent> events = new ArrayList<>(response.count());
    for (Map<String, AttributeValue> item : response.items()) {
      events.add(toEvent(item));
    }
    return events;
  }

  private static String nextCursor(ScanResponse response, String attribute, boolean encode) {
    if (!response.hasLastEvaluatedKey() || response.lastEvaluatedKey().isEmpty()) {
      return null;
    }
    String last = response.lastEvaluatedKey().get(attribute).s();
    return encode ? encodeCursor(last) : last;
  }

  /** The opaque listing cursor: the last tenant id of a page, base64url. */
  public static String encodeCursor(String tenantId) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(tenantId.getBytes(StandardCharsets.UTF_8));
  }

  /** Reads a listing cursor, failing with a 400-worthy error naming {@code cursor}. */
  public static String decodeCursor(String cursor) {
    String tenantId;
    try {
      tenantId = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      tenantId = null;
    }
    if (!TenantIds.isValid(tenantId)) {
      throw new ValidationException(
          "cursor", "cursor must be the 'next' value of a previous page, but was " + ValidationException.quote(cursor));
    }
    return tenantId;
  }

  private static long number(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
  }

  private static boolean bool(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value != null && Boolean.TRUE.equals(value.bool());
  }

  private static Map<String, AttributeValue> key(String pk, String sk) {
    return Map.of(PK, s(pk), SK, s(sk));
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  private static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }

  private Context context() {
    Context current = Vertx.currentContext();
    return current != null ? current : vertx.getOrCreateContext();
  }
}
