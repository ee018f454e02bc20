package dev.tcs.launcher;

import dev.tcs.core.auth.AuthConfig;
import dev.tcs.core.auth.Principal;
import dev.tcs.core.auth.Tokens;
import dev.tcs.core.config.ConfigException;
import dev.tcs.core.config.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code tcs chaos REGION [faults]}: shows, sets or clears the faults a region injects, through
 * its {@code /chaos} route (the region must run with {@code chaos.enabled: true}, as the demo
 * does). Options not given leave their fault as it is; no option shows the current faults.
 *
 * <p>The region's URL comes from {@code --url}, else from {@code demo.yaml}'s port of REGION on
 * 127.0.0.1. The admin token comes from {@code --token}, else {@code $TCS_ADMIN_TOKEN}, else it is
 * signed with the demo key of {@code demo.yaml}.
 */
@Command(
    name = "chaos",
    mixinStandardHelpOptions = true,
    description = "Inject faults into a region (drills): read API off, latency, ingest paused or delayed, invalidations dropped, DynamoDB failing.")
final class ChaosCommand implements Callable<Integer> {
  enum Switch { on, off }

  enum Ingest { pause, resume }

  @ParentCommand TcsCommand parent;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "REGION", description = "The region, e.g. us-east.")
  String region;

  @Option(names = "--url", paramLabel = "URL", description = "The region's base URL (default: the running demo's or tcs up's, else http://127.0.0.1:<demo.yaml port of REGION>).")
  String url;

  @Option(names = "--token", paramLabel = "TOKEN", description = "An admin bearer token (default: $TCS_ADMIN_TOKEN, else one signed with the demo key).")
  String token;

  @Option(names = "--read", paramLabel = "on|off", description = "Switch the region's read API off (every read is reset) or on.")
  Switch read;

  @Option(names = "--latency", paramLabel = "DURATION", description = "Add this latency (e.g. 400ms, 0ms to stop) to a share of reads.")
  String latency;

  @Option(names = "--fraction", paramLabel = "0..1", description = "The share of reads that get --latency (default: all).")
  Double fraction;

  @Option(names = "--ingest", paramLabel = "pause|resume", description = "Pause or resume applying views from the views topic.")
  Ingest ingest;

  @Option(names = "--ingest-delay", paramLabel = "DURATION", description = "Delay each view before it is applied (0ms to stop).")
  String ingestDelay;

  @Option(names = "--drop-invalidations", paramLabel = "0..1", description = "Share of outgoing invalidations to drop (0 to stop).")
  Double dropInvalidations;

  @Option(names = "--dynamo-failures", paramLabel = "0..1", description = "Share of the region's DynamoDB calls that fail (0 to stop).")
  Double dynamoFailures;

  @Option(names = "--clear", description = "Clear every fault of the region.")
  boolean clear;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    URI base = URI.create(url != null ? url : demoUrl());
    String bearer = token != null ? token : System.getenv("TCS_ADMIN_TOKEN") != null ? System.getenv("TCS_ADMIN_TOKEN") : demoAdminToken();
    JsonObject faults = faults();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve("/chaos")).timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + bearer);
    if (clear) {
      request.DELETE();
    } else if (faults.isEmpty()) {
      request.GET();
    } else {
      request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(faults.encode()));
    }
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      err.println("tcs chaos: region " + region + " at " + base + " did not answer: " + e);
      return 1;
    }
    if (response.statusCode() == 200) {
      out.println(new JsonObject(response.body()).encodePrettily());
      return 0;
    }
    err.println("tcs chaos: region " + region + " answered " + response.statusCode() + ": " + detail(response));
    return 2;
  }

  /** The request body: only the faults given on the command line. */
  JsonObject faults() {
    JsonObject body = new JsonObject();
    if (read != null) {
      body.put("readOff", read == Switch.off);
    }
    if (latency != null) {
      body.put("latency", latency);
    }
    if (fraction != null) {
      body.put("latencyFraction", fraction);
    }
    if (ingest != null) {
      body.put("ingestPaused", ingest == Ingest.pause);
    }
    if (ingestDelay != null) {
      body.put("ingestDelay", ingestDelay);
    }
    if (dropInvalidations != null) {
      body.put("dropInvalidations", dropInvalidations);
    }
    if (dynamoFailures != null) {
      body.put("dynamoFailures", dynamoFailures);
    }
    return body;
  }

  private static String detail(HttpResponse<String> response) {
    try {
      JsonObject problem = new JsonObject(response.body());
      String field = problem.getString("field");
      return (field != null ? "[" + field + "] " : "") + problem.getString("detail", problem.getString("title", response.body()));
    } catch (RuntimeException e) {
      return response.statusCode() == 404 ? "no /chaos route (is chaos.enabled true in its config?)" : response.body();
    }
  }

  private String demoUrl() {
    // A running ./tcs demo or ./tcs up knows where its regions answer.
    java.util.Optional<String> running = DemoState.readLive(DemoState.file(DemoState.directory(System.getenv()))).flatMap(state -> state.region(region));
    if (running.isPresent()) {
      return running.get();
    }
    Settings regions = demo().section("regions");
    if (!regions.has(region)) {
      throw new ConfigException("REGION '" + region + "' is not in demo.yaml's regions " + regions.json().fieldNames() + "; give --url");
    }
    return "http://127.0.0.1:" + regions.section(region).port("port", 0);
  }

  private String demoAdminToken() {
    Vertx vertx = Vertx.vertx();
    try {
      Tokens tokens = new Tokens(vertx, AuthConfig.from(demo().section("auth"), parent.configDir()));
      return tokens.issue("tcs-chaos", Set.of(Principal.ADMIN), Duration.ofMinutes(5));
    } finally {
      vertx.close();
    }
  }

  private Settings demo() {
    Vertx vertx = Vertx.vertx();
    try {
      return Settings.of("demo", new ConfigFiles(vertx, parent.configDir(), System.getenv()).load("demo"));
    } finally {
      vertx.close();
    }
  }
}
