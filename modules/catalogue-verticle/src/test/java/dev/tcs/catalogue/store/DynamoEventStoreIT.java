package dev.tcs.catalogue.store;

import dev.tcs.core.dynamo.DynamoClients;
import dev.tcs.core.dynamo.DynamoSettings;
import dev.tcs.infra.LocalInfra;
import dev.tcs.infra.LocalInfraExtension;
import dev.tcs.infra.TestNames;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/** The {@link EventStore} contract on DynamoDB Local (one table for the class; unique tenants per test). */
@ExtendWith(LocalInfraExtension.class)
class DynamoEventStoreIT extends EventStoreContract {
  private static Vertx vertx;
  private static DynamoDbAsyncClient dynamo;
  private static DynamoEventStore store;

  @BeforeAll
  static void createTable(LocalInfra infra) {
    vertx = Vertx.vertx();
    dynamo = DynamoClients.create(DynamoSettings.local(infra.dynamo().endpoint()));
    store = new DynamoEventStore(vertx, dynamo, TestNames.unique("tcs-catalogue-contract"));
    store.ensureTable().await();
  }

  @AfterAll
  static void close() {
    if (dynamo != null) {
      dynamo.close();
    }
    if (vertx != null) {
      vertx.close().await();
    }
  }

  @Override
  protected EventStore store() {
    return store;
  }
}
