package dev.tcs.launcher;

import dev.tcs.core.auth.Principal;
import dev.tcs.core.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code tcs demo}: starts {@link DemoSystem}, seeds the demo tenants, waits until a write is
 * readable through the sidecar, prints every endpoint with ready-to-paste curl lines, and runs
 * until Ctrl-C or SIGTERM, then stops everything and deletes its temporary files.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Run the whole system in one JVM on embedded Kafka, DynamoDB Local and Hazelcast.")
final class DemoCommand implements Callable<Integer> {
  @ParentCommand TcsCommand parent;

  @Override
  public Integer call() throws Exception {
    long started = System.nanoTime();
    DemoSystem system = DemoSystem.start(new DemoSystem.Options(parent.configDir(), System.getenv(), false));
    Path stateFile = DemoState.file(DemoState.directory(System.getenv()));
    long pid = ProcessHandle.current().pid();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("\nstopping the demo...");
                  DemoState.delete(stateFile, pid);
                  system.close();
                  System.out.println("demo stopped");
                  stopped.countDown();
                },
                "tcs-demo-shutdown"));
    system.state().write(stateFile);

    Settings demo = Settings.of("demo", new ConfigFiles(system.vertx(), parent.configDir(), System.getenv()).load("demo"));
    Duration ttl = demo.duration("token-ttl", Duration.ofHours(12));
    String writer = system.tokens().issue("demo-writer", Set.of(Principal.WRITER), ttl);
    String jira = system.tokens().issue("jira", Set.of(Principal.READER), ttl);
    String ingress = system.tokens().issue("network-ingress", Set.of(Principal.READER), ttl);
    DemoSeeder seeder = new DemoSeeder(system.vertx(), system.endpoints(), writer);
    int seeded = demo.bool("seed", true) ? seeder.seed(parent.configDir().resolve("demo-tenants.jsonl")) : 0;
    Duration readable = seeded > 0 ? seeder.awaitReadable("acme", jira, Duration.ofSeconds(30)) : Duration.ZERO;

    System.out.println(banner(system.endpoints(), seeded, readable, Duration.ofNanos(System.nanoTime() - started), writer, jira, ingress));
    System.out.println("State file (read by ./tcs replay): " + stateFile);
    stopped.await();
    return 0;
  }

  private static String banner(
      DemoSystem.Endpoints endpoints, int seeded, Duration readable, Duration startup, String writer, String jira, String ingress) {
    return banner("Tenant Context Service demo", "Ctrl-C stops everything.", endpoints, seeded, readable, startup, writer, jira, ingress);
  }

  /** The lines {@code tcs demo} (and {@code tcs up}) print once up: endpoints, tokens, curl lines; {@code title} and {@code footer} tell them apart. */
  static String banner(
      String title, String footer, DemoSystem.Endpoints endpoints, int seeded, Duration readable, Duration startup, String writer, String jira, String ingress) {
    StringBuilder out = new StringBuilder();
    out.append("\n=== ").append(title).append(": up in ").append(startup.toMillis()).append(" ms");
    if (seeded > 0) {
      out.append(", ").append(seeded).append(" tenants seeded, first readable through the sidecar after ").append(readable.toMillis()).append(" ms");
    }
    out.append(" ===\n\n");
    out.append(String.format("  catalogue (writes)   %s%n", endpoints.catalogue()));
    endpoints.regions().entrySet().stream()
        .sorted(Map.Entry.comparingByValue())
        .forEach(r -> out.append(String.format("  region %-13s %s%n", r.getKey(), r.getValue())));
    out.append(String.format("  sidecar (localhost)  %s%n", endpoints.sidecar()));
    out.append(String.format("  projector (ops)      %s%n", endpoints.projector()));
    out.append("  every one also serves /metrics, /health/live, /health/ready\n\n");
    out.append("Paste these (tokens are valid for this demo only; ./tcs token --consumer NAME makes more):\n\n");
    out.append("  export WRITER=").append(writer).append('\n');
    out.append("  export JIRA=").append(jira).append('\n');
    out.append("  export INGRESS=").append(ingress).append("\n\n");
    out.append("  # read through the sidecar, as an application would (HTTP/2 cleartext also works: --http2-prior-knowledge)\n");
    out.append("  curl -s -H \"Authorization: Bearer $JIRA\" ").append(endpoints.sidecar()).append("/v1/tenants/acme/context\n");
    out.append("  curl -s -H \"Authorization: Bearer $INGRESS\" ").append(endpoints.sidecar()).append("/v1/hosts/acme.example.net/context\n");
    String firstRegion = endpoints.regions().values().stream().sorted().findFirst().orElse(endpoints.sidecar());
    out.append("  # straight from a region, with the version and region headers\n");
    out.append("  curl -si --http2-prior-knowledge -H \"Authorization: Bearer $JIRA\" ").append(firstRegion).append("/v1/tenants/globex/context\n");
    out.append("  # write a change at the catalogue, then read it back through the sidecar\n");
    out.append("  curl -si -X PUT -H \"Authorization: Bearer $WRITER\" -H 'Content-Type: application/json' ")
        .append(endpoints.catalogue())
        .append("/v1/tenants/hooli -d '{\"hosts\":[\"hooli.example.net\"],\"products\":[\"jira\"],\"jira\":{\"db-user\":\"hooli_jira\",\"db-password\":\"s3cret\"},\"network-ingress\":{\"/\":\"http://jira-us-east.internal\"}}'\n");
    out.append("  curl -s -H \"Authorization: Bearer $INGRESS\" ").append(endpoints.sidecar()).append("/v1/tenants/hooli/context\n");
    out.append("  curl -s ").append(endpoints.sidecar()).append("/metrics | grep tcs_\n\n");
    out.append(footer).append('\n');
    return out.toString();
  }

}
