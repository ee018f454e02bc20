package dev.tcs.catalogue.store;

import dev.tcs.catalogue.testing.InMemoryEventStore;

/** The {@link EventStore} contract, in memory: what the unit tests stand on behaves as DynamoDB does. */
class InMemoryEventStoreTest extends EventStoreContract {
  @Override
  protected EventStore store() {
    return new InMemoryEventStore();
  }
}
