package dev.tcs.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

@ExtendWith(LocalInfraExtension.class)
class EmbeddedDynamoTest {

  @Test
  void putGet_sharedServer_returnsItem(EmbeddedDynamo dynamo) {
    String table = TestNames.unique("dynamo-test");
    try (DynamoDbClient client = client(dynamo)) {
      createTable(client, table);
      Map<String, AttributeValue> item = Map.of(
          "id", AttributeValue.fromS("acme"),
          "version", AttributeValue.fromN("3"));
      client.putItem(b -> b.tableName(table).item(item));

      Map<String, AttributeValue> read = client.getItem(b -> b.tableName(table)
          .key(Map.of("id", AttributeValue.fromS("acme"))).consistentRead(true)).item();

      assertEquals(item, read);
    }
  }

  @Test
  void restart_ownServer_sameEndpointNoTables() {
    String table = TestNames.unique("dynamo-restart");
    try (EmbeddedDynamo dynamo = EmbeddedDynamo.start(); DynamoDbClient client = client(dynamo)) {
      createTable(client, table);
      String endpoint = dynamo.endpoint().toString();

      dynamo.stop();
      dynamo.restart();

      assertEquals(endpoint, dynamo.endpoint().toString());
      assertEquals(0, client.listTables().tableNames().size());
      assertThrows(ResourceNotFoundException.class, () -> client.describeTable(b -> b.tableName(table)));
    }
  }

  private static DynamoDbClient client(EmbeddedDynamo dynamo) {
    return DynamoDbClient.builder()
        .endpointOverride(dynamo.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  private static void createTable(DynamoDbClient client, String table) {
    client.createTable(b -> b.tableName(table)
        .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build())
        .attributeDefinitions(AttributeDefinition.builder()
            .attributeName("id").attributeType(ScalarAttributeType.S).build())
        .billingMode(BillingMode.PAY_PER_REQUEST));
  }
}
