package dev.tcs.launcher;

import dev.tcs.infra.LocalInfra;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tcs infra} (started by {@code tcs up}, hidden): the demo's infrastructure in one process
 * (Kafka KRaft, DynamoDB Local in memory, one Hazelcast member per region cluster, all on
 * 127.0.0.1), until SIGTERM. Once everything accepts requests it writes their addresses to the
 * ready file ({@code {"kafka": ..., "dynamodb": ..., "hazelcast": {cluster: [host:port]}}}).
 */
@Command(name = "infra", hidden = true, mixinStandardHelpOptions = true, description = "Run the demo's infrastructure (for tcs up).")
final class InfraCommand implements Callable<Integer> {
  @Option(names = "--clusters", split = ",", required = true, paramLabel = "NAME", description = "Hazelcast clusters to start one member of.")
  List<String> clusters;

  @Option(names = "--ready-file", required = true, paramLabel = "FILE", description = "Where to write the addresses once up.")
  Path readyFile;

  @Override
  public Integer call() throws Exception {
    LocalInfra infra = LocalInfra.start(clusters);
    Runtime.getRuntime().addShutdownHook(new Thread(infra::close, "tcs-infra-shutdown"));
    JsonObject hazelcast = new JsonObject();
    clusters.forEach(cluster -> hazelcast.put(cluster, new JsonArray(infra.hazelcastAddresses(cluster))));
    JsonObject addresses =
        new JsonObject().put("kafka", infra.kafka().bootstrapServers()).put("dynamodb", infra.dynamo().endpoint().toString()).put("hazelcast", hazelcast);
    Path temp = readyFile.resolveSibling(readyFile.getFileName() + ".tmp");
    Files.writeString(temp, addresses.encodePrettily(), StandardCharsets.UTF_8);
    Files.move(temp, readyFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    System.out.println("infra up: " + addresses.encode());
    new CountDownLatch(1).await();
    return 0;
  }
}
