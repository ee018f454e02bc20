package dev.tcs.core.dynamo;

import dev.tcs.core.config.ConfigException;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * Builds the async DynamoDB client; build one per process and share it, at start, off the event
 * loops (building one against AWS resolves its credentials, see {@link #resolvedOnce}).
 */
public final class DynamoClients {
  private DynamoClients() {}

  public static DynamoDbAsyncClient create(DynamoSettings settings) {
    return builder(settings).build();
  }

  /**
   * As {@link #create}, but each call's future completes on the client's I/O thread instead of
   * being handed to the SDK's completion pool ({@code sdk-async-response}): one thread hand-off
   * less per call. Only for code whose continuations never block and never wait for another call
   * (a region's: they compose further async calls or hand the result to a Vert.x context); a
   * blocking continuation would stall the client's I/O.
   */
  public static DynamoDbAsyncClient createCompletingOnIoThreads(DynamoSettings settings) {
    return builder(settings)
        .asyncConfiguration(async -> async.advancedOption(SdkAdvancedAsyncClientOption.FUTURE_COMPLETION_EXECUTOR, Runnable::run))
        .build();
  }

  private static software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClientBuilder builder(DynamoSettings settings) {
    var builder =
        DynamoDbAsyncClient.builder()
            .region(Region.of(settings.region()))
            .httpClientBuilder(
                NettyNioAsyncHttpClient.builder()
                    .maxConcurrency(settings.maxConnections())
                    .connectionTimeout(Duration.ofSeconds(2))
                    .readTimeout(Duration.ofSeconds(10)));
    if (settings.endpoint() != null) {
      // DynamoDB Local accepts any credentials; never reach for the machine's AWS profile.
      builder.endpointOverride(settings.endpoint()).credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")));
    } else {
      builder.credentialsProvider(resolvedOnce(DefaultCredentialsProvider.builder().asyncCredentialUpdateEnabled(true).build()));
    }
    return builder;
  }

  /**
   * {@code provider}, having resolved its credentials once, here. The async client resolves a
   * call's credentials on the thread that makes the call ({@code resolveIdentity} of an
   * {@link AwsCredentialsProvider} is synchronous), and TCS calls DynamoDB from event loops: the
   * first call would walk the default chain there (profile files, the container or instance
   * metadata endpoint with its timeouts). Resolved at start, and refreshed in the background
   * before they expire ({@code asyncCredentialUpdateEnabled}), the credentials are ready when an
   * event loop asks. No credentials fails the start instead of the first reads.
   *
   * @throws ConfigException when {@code provider} finds none
   */
  static AwsCredentialsProvider resolvedOnce(AwsCredentialsProvider provider) {
    try {
      provider.resolveCredentials();
      return provider;
    } catch (RuntimeException e) {
      throw new ConfigException(
          "dynamodb.endpoint is empty, so DynamoDB is AWS's and needs AWS credentials, but none were found: " + e.getMessage(), e);
    }
  }
}
