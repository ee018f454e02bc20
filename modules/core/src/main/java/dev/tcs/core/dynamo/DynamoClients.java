package dev.tcs.core.dynamo;

import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/** Builds the async DynamoDB client; build one per process and share it. */
public final class DynamoClients {
  private DynamoClients() {}

  public static DynamoDbAsyncClient create(DynamoSettings settings) {
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
    return builder.build();
  }
}
