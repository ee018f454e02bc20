package dev.tcs.core.dynamo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.config.ConfigException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;

/** AWS credentials are resolved when the client is built (on the building thread), not by its first call. */
class DynamoClientsTest {
  @Test
  void resolvedOnce_resolvesTheCredentialsOnce_andReturnsTheProvider() {
    AtomicInteger resolved = new AtomicInteger();
    AwsCredentialsProvider provider = () -> {
      resolved.incrementAndGet();
      return AwsBasicCredentials.create("id", "secret");
    };

    assertSame(provider, DynamoClients.resolvedOnce(provider));
    assertEquals(1, resolved.get());
  }

  @Test
  void resolvedOnce_noCredentials_failsTheStartNamingTheKeyAndTheCause() {
    AwsCredentialsProvider none = () -> {
      throw SdkClientException.create("Unable to load credentials from any of the providers in the chain");
    };

    ConfigException e = assertThrows(ConfigException.class, () -> DynamoClients.resolvedOnce(none));

    assertTrue(e.getMessage().contains("dynamodb.endpoint"), e.getMessage());
    assertTrue(e.getMessage().contains("Unable to load credentials"), e.getMessage());
  }
}
