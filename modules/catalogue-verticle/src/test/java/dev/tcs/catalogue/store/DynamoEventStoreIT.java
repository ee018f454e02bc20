package dev.tcs.catalogue.store;

import dev.tcs.infra.LocalInfra;
import dev.tcs.infra.LocalInfraExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The {@link EventStore} contract on DynamoDB Local (one table for the class; unique tenants per test). */
@ExtendWith(LocalInfraExtension.class)
class DynamoEventStoreIT extends EventStoreContract {
  private static EventStoreTable table;

  @BeforeAll
  static void createTable(LocalInfra infra) {
    table = EventStoreTable.create(infra, "tcs-catalogue-contract", DynamoEventStore.DEFAULT_GROUP_MAX, DynamoEventStore.DEFAULT_IN_FLIGHT);
  }

  @AfterAll
  static void close() {
    if (table != null) {
      table.close();
    }
  }

  @Override
  protected EventStore store() {
    return table.store;
  }
}
