package dev.tcs.core.dynamo;

import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/** Builds the async DynamoDB client; build one per process and share it. */
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
      builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
    }
    return builder;
  }
}
