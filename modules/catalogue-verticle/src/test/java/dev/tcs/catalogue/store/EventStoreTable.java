package dev.tcs.catalogue.store;

import dev.tcs.core.dynamo.DynamoClients;
import dev.tcs.core.dynamo.DynamoSettings;
import dev.tcs.infra.LocalInfra;
import dev.tcs.infra.TestNames;
import io.vertx.core.Vertx;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/** A {@link DynamoEventStore} on a table of its own in DynamoDB Local, for one test class; {@link #close} frees it. */
final class EventStoreTable implements AutoCloseable {
  final DynamoEventStore store;
  private final Vertx vertx;
  private final DynamoDbAsyncClient dynamo;

  private EventStoreTable(Vertx vertx, DynamoDbAsyncClient dynamo, DynamoEventStore store) {
    this.vertx = vertx;
    this.dynamo = dynamo;
    this.store = store;
  }

  /** Creates a uniquely named table ({@code prefix} + suffix) whose appends group as {@code groupMax}/{@code inFlight} say. */
  static EventStoreTable create(LocalInfra infra, String prefix, int groupMax, int inFlight) {
    Vertx vertx = Vertx.vertx();
    DynamoDbAsyncClient dynamo = DynamoClients.create(DynamoSettings.local(infra.dynamo().endpoint()));
    DynamoEventStore store = new DynamoEventStore(vertx, dynamo, TestNames.unique(prefix), groupMax, inFlight);
    store.ensureTable().await();
    return new EventStoreTable(vertx, dynamo, store);
  }

  @Override
  public void close() {
    dynamo.close();
    vertx.close().await();
  }
}
