package dev.tcs.core.dynamo;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.core.retry.backoff.FixedDelayBackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbAsyncWaiter;

/** Waiting for DynamoDB tables, with the SDK's own waiter rather than a hand-written poll loop. */
public final class Tables {
  /** How often the waiter asks. */
  private static final Duration POLL = Duration.ofMillis(200);

  private Tables() {}

  /**
   * Completes with the table's description once it exists and is {@code ACTIVE}; fails naming
   * the table when it is not within {@code timeout}. The SDK waiter polls {@code DescribeTable} on
   * its own scheduler; the result comes back on {@code context}. Never blocks.
   */
  public static Future<TableDescription> awaitActive(Context context, DynamoDbAsyncClient dynamo, String table, Duration timeout) {
    DynamoDbAsyncWaiter waiter =
        DynamoDbAsyncWaiter.builder()
            .client(dynamo)
            .overrideConfiguration(o -> o.waitTimeout(timeout).backoffStrategy(FixedDelayBackoffStrategy.create(POLL)))
            .build();
    CompletableFuture<TableDescription> active =
        waiter
            .waitUntilTableExists(b -> b.tableName(table))
            .thenApply(
                response ->
                    response
                        .matched()
                        .response()
                        .orElseThrow(() -> new IllegalStateException("table " + table + " did not become ACTIVE within " + timeout))
                        .table())
            .whenComplete((description, failure) -> waiter.close());
    return Async.on(context, active)
        .recover(e -> Future.failedFuture(
            e instanceof IllegalStateException ? e : new IllegalStateException("table " + table + " did not become ACTIVE within " + timeout + ": " + e, e)));
  }
}
