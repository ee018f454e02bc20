package dev.tcs.catalogue.store;

import dev.tcs.core.dynamo.Async;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Group commit of appends (written here by hand; the SDK has no such batcher): while {@code
 * inFlightMax} append transactions are in flight, further appends wait in a queue, and the next
 * transaction carries several of them, up to {@code groupMax} appends, DynamoDB's 100 items and
 * about 3 MiB. No linger: an append that finds a free slot goes out at once, alone or with those
 * already waiting. No item (a tenant's head and events, a host's claim) appears twice in one
 * transaction: an append touching a tenant or host of an earlier waiting append waits for a later
 * transaction, so appends of one tenant or host keep their order.
 *
 * <p>Each member sees the outcome it would have seen alone. A cancelled grouped transaction wrote
 * nothing; its cancellation reasons say whose items failed: those members fail with their own
 * error ({@code translate}), the others go again at the head of the queue. A transaction DynamoDB
 * rejected as a whole with a client error (400, not a throttle: e.g. too large) also wrote
 * nothing: its members go again, each alone. Any other failure (throttling or I/O after the SDK's
 * retries) fails every member with that failure, as each would have failed alone.
 *
 * <p>Thread-safe: appends arrive on event loops, transactions complete on SDK threads; the queue
 * is guarded by this object's monitor, and no SDK call is made while holding it.
 */
final class GroupCommit {
  /** DynamoDB's limit on items per transaction. */
  static final int MAX_ITEMS = 100;

  /** Estimated request bytes a group may reach (DynamoDB's limit is 4 MB per transaction). */
  static final long MAX_BYTES = 3L * 1024 * 1024;

  /** One append waiting for, or riding in, a transaction. */
  static final class Member {
    final String tenantId;
    final long expected;
    final String token;
    final List<TransactWriteItem> items;
    final List<DynamoEventStore.Slot> slots;
    final Set<String> keys;
    final long bytes;
    final CompletableFuture<Void> result = new CompletableFuture<>();
    /** Set after a whole-request rejection: this member goes in a transaction of its own. */
    boolean alone;

    Member(
        String tenantId,
        long expected,
        String token,
        List<TransactWriteItem> items,
        List<DynamoEventStore.Slot> slots,
        Set<String> keys,
        long bytes) {
      this.tenantId = tenantId;
      this.expected = expected;
      this.token = token;
      this.items = items;
      this.slots = slots;
      this.keys = keys;
      this.bytes = bytes;
    }
  }

  private final DynamoDbAsyncClient dynamo;
  private final int groupMax;
  private final int inFlightMax;
  /** Turns a member's cancellation reasons into its error, as for an append alone. */
  private final BiFunction<Member, List<CancellationReason>, RuntimeException> translate;
  private final ArrayDeque<Member> waiting = new ArrayDeque<>();
  private int inFlight;
  private final AtomicLong transactions = new AtomicLong();
  private final AtomicLong grouped = new AtomicLong();

  GroupCommit(
      DynamoDbAsyncClient dynamo,
      int groupMax,
      int inFlightMax,
      BiFunction<Member, List<CancellationReason>, RuntimeException> translate) {
    if (groupMax < 1 || inFlightMax < 1) {
      throw new IllegalArgumentException("groupMax and inFlightMax must be >= 1, but were " + groupMax + " and " + inFlightMax);
    }
    this.dynamo = dynamo;
    this.groupMax = groupMax;
    this.inFlightMax = inFlightMax;
    this.translate = translate;
  }

  /** Commits {@code member} alone or with others; its {@code result} completes with its outcome. */
  CompletableFuture<Void> submit(Member member) {
    if (groupMax == 1) {
      send(List.of(member), false);
      return member.result;
    }
    List<List<Member>> ready;
    synchronized (this) {
      waiting.addLast(member);
      ready = takeReady();
    }
    ready.forEach(group -> send(group, true));
    return member.result;
  }

  /** Transactions sent so far. */
  long transactions() {
    return transactions.get();
  }

  /** Appends that rode in a transaction with at least one other. */
  long groupedAppends() {
    return grouped.get();
  }

  /** Groups to send now, one per free in-flight slot. Caller holds the monitor. */
  private List<List<Member>> takeReady() {
    List<List<Member>> ready = new ArrayList<>(1);
    while (inFlight < inFlightMax && !waiting.isEmpty()) {
      ready.add(takeGroup());
      inFlight++;
    }
    return ready;
  }

  /** Removes the next group from the queue: the first waiting append and what may join it. */
  private List<Member> takeGroup() {
    Member first = waiting.pollFirst();
    if (first.alone || waiting.isEmpty()) {
      return List.of(first);
    }
    List<Member> group = new ArrayList<>(Math.min(groupMax, waiting.size() + 1));
    group.add(first);
    Set<String> seen = new HashSet<>(first.keys);
    int items = first.items.size();
    long bytes = first.bytes;
    var it = waiting.iterator();
    while (it.hasNext() && group.size() < groupMax && items < MAX_ITEMS) {
      Member next = it.next();
      boolean free = !next.alone && items + next.items.size() <= MAX_ITEMS && bytes + next.bytes <= MAX_BYTES;
      for (String key : next.keys) {
        // Every key of a skipped append stays taken, so that a later append of the same tenant
        // or host never overtakes it.
        if (!seen.add(key)) {
          free = false;
        }
      }
      if (free) {
        it.remove();
        group.add(next);
        items += next.items.size();
        bytes += next.bytes;
      }
    }
    return group;
  }

  private void send(List<Member> group, boolean counted) {
    List<TransactWriteItem> items;
    TransactWriteItemsRequest.Builder request = TransactWriteItemsRequest.builder();
    if (group.size() == 1) {
      Member member = group.get(0);
      items = member.items;
      if (member.token != null) {
        request.clientRequestToken(member.token);
      }
    } else {
      // The SDK generates the idempotency token once per request and keeps it across its retries.
      items = new ArrayList<>();
      for (Member member : group) {
        items.addAll(member.items);
      }
      grouped.addAndGet(group.size());
    }
    transactions.incrementAndGet();
    CompletableFuture<?> call;
    try {
      call = dynamo.transactWriteItems(request.transactItems(items).build());
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    call.whenComplete((response, failure) -> finished(group, failure == null ? null : Async.unwrap(failure), counted));
  }

  /**
   * Settles a transaction's members. Its in-flight slot is given back before any member's result
   * completes, so that a caller that saw its append finish and appends again finds the slot free
   * (rather than queueing behind a transaction that is over).
   */
  private void finished(List<Member> group, Throwable failure, boolean counted) {
    List<Runnable> outcomes = new ArrayList<>(group.size());
    List<Member> again = List.of();
    try {
      if (failure == null) {
        group.forEach(member -> outcomes.add(() -> member.result.complete(null)));
      } else if (group.size() == 1) {
        Member member = group.get(0);
        Throwable error = failure instanceof TransactionCanceledException canceled ? errorOf(member, reasons(canceled), canceled) : failure;
        outcomes.add(() -> member.result.completeExceptionally(error));
      } else {
        again = failedGroup(group, failure, outcomes);
      }
    } finally {
      List<List<Member>> ready = List.of();
      if (counted) {
        synchronized (this) {
          inFlight--;
          for (int i = again.size() - 1; i >= 0; i--) {
            waiting.addFirst(again.get(i));
          }
          ready = takeReady();
        }
      }
      outcomes.forEach(Runnable::run);
      ready.forEach(next -> send(next, true));
    }
  }

  /**
   * Adds to {@code outcomes} the failure of each member a grouped transaction's failure is theirs;
   * returns those to send again.
   */
  private List<Member> failedGroup(List<Member> group, Throwable failure, List<Runnable> outcomes) {
    if (failure instanceof TransactionCanceledException canceled && canceled.hasCancellationReasons()) {
      List<CancellationReason> reasons = canceled.cancellationReasons();
      List<Member> again = new ArrayList<>();
      int offset = 0;
      for (Member member : group) {
        int end = offset + member.items.size();
        List<CancellationReason> own = end <= reasons.size() ? reasons.subList(offset, end) : List.of();
        offset = end;
        if (own.isEmpty()) {
          member.alone = true;
          again.add(member);
        } else if (own.stream().anyMatch(GroupCommit::failed)) {
          Throwable error = errorOf(member, own, canceled);
          outcomes.add(() -> member.result.completeExceptionally(error));
        } else {
          again.add(member);
        }
      }
      if (again.size() == group.size()) {
        // No member's item failed (should not happen): each goes alone, so none can loop.
        again.forEach(member -> member.alone = true);
      }
      return again;
    }
    if (failure instanceof TransactionCanceledException || rejectedWhole(failure)) {
      group.forEach(member -> member.alone = true);
      return group;
    }
    group.forEach(member -> outcomes.add(() -> member.result.completeExceptionally(failure)));
    return List.of();
  }

  /** The member's own error: what its reasons say, else the cancellation itself (as alone). */
  private Throwable errorOf(Member member, List<CancellationReason> reasons, TransactionCanceledException canceled) {
    try {
      RuntimeException error = translate.apply(member, reasons);
      return error != null ? error : canceled;
    } catch (RuntimeException e) {
      return e;
    }
  }

  private static boolean failed(CancellationReason reason) {
    return reason.code() != null && !"None".equals(reason.code());
  }

  /** A client error DynamoDB answers before executing anything (not a throttle). */
  private static boolean rejectedWhole(Throwable failure) {
    return failure instanceof AwsServiceException service
        && service.statusCode() == 400
        && !service.isThrottlingException()
        && !(service.awsErrorDetails() != null && "TransactionInProgressException".equals(service.awsErrorDetails().errorCode()));
  }

  private static List<CancellationReason> reasons(TransactionCanceledException canceled) {
    return canceled.hasCancellationReasons() ? canceled.cancellationReasons() : List.of();
  }
}
