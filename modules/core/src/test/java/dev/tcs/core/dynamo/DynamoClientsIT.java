package dev.tcs.core.dynamo;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.infra.EmbeddedDynamo;
import dev.tcs.infra.LocalInfraExtension;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/** Which thread a call's future completes on, against DynamoDB Local. */
@ExtendWith(LocalInfraExtension.class)
class DynamoClientsIT {
  private static final String COMPLETION_POOL = "sdk-async-response";

  @Test
  void createCompletingOnIoThreads_calls_neverCompleteOnTheCompletionPool(EmbeddedDynamo local) {
    try (DynamoDbAsyncClient dynamo = DynamoClients.createCompletingOnIoThreads(DynamoSettings.local(local.endpoint()))) {
      Set<String> threads = completionThreads(dynamo);
      assertFalse(threads.stream().anyMatch(name -> name.startsWith(COMPLETION_POOL)), threads::toString);
      assertTrue(threads.stream().anyMatch(name -> name.contains("NettyEventLoop")), threads::toString);
    }
  }

  @Test
  void create_calls_completeOnTheCompletionPool(EmbeddedDynamo local) {
    try (DynamoDbAsyncClient dynamo = DynamoClients.create(DynamoSettings.local(local.endpoint()))) {
      Set<String> threads = completionThreads(dynamo);
      assertTrue(threads.stream().anyMatch(name -> name.startsWith(COMPLETION_POOL)), threads::toString);
    }
  }

  /** The threads that ran a continuation registered right after each of 20 calls (the caller's own when the call was already done). */
  private static Set<String> completionThreads(DynamoDbAsyncClient dynamo) {
    Set<String> threads = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      threads.add(dynamo.listTables().thenApply(threadName()).orTimeout(10, TimeUnit.SECONDS).join());
    }
    return threads;
  }

  private static <T> Function<T, String> threadName() {
    return ignored -> Thread.currentThread().getName();
  }
}
