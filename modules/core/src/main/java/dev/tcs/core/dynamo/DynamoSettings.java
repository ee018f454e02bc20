package dev.tcs.core.dynamo;

import dev.tcs.core.config.Settings;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * How to reach DynamoDB.
 *
 * @param endpoint an explicit endpoint (DynamoDB Local), or null for the region's AWS endpoint
 * @param region the AWS region name the SDK signs for
 * @param maxConnections the HTTP connection pool size
 */
public record DynamoSettings(URI endpoint, String region, int maxConnections) {
  /** Reads section {@code dynamodb}: {@code endpoint} (empty for AWS), {@code region}, {@code max-connections}. */
  public static DynamoSettings from(Settings dynamo) {
    dynamo.allowOnly("endpoint", "region", "max-connections");
    String endpoint = dynamo.string("endpoint", "");
    URI uri = null;
    if (!endpoint.isBlank()) {
      try {
        uri = new URI(endpoint);
      } catch (URISyntaxException e) {
        uri = null;
      }
      dynamo.check(uri != null && uri.getScheme() != null && uri.getHost() != null, "endpoint", "must be an http(s) URL such as http://127.0.0.1:8000");
    }
    return new DynamoSettings(uri, dynamo.string("region", "us-east-1"), dynamo.integer("max-connections", 1, 10_000, 64));
  }

  public static DynamoSettings local(URI endpoint) {
    return new DynamoSettings(endpoint, "us-east-1", 64);
  }
}
