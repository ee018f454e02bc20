package dev.tcs.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.auth.AuthConfig;
import dev.tcs.core.auth.Principal;
import dev.tcs.core.auth.Tokens;
import dev.tcs.core.config.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Keys of `tcs run`, `tcs token` and the image: no default key, the demo key only in the demo. */
class KeysTest {
  private static final Path REPO = Path.of("../..").toAbsolutePath().normalize();
  private static final Path CONFIG = REPO.resolve("config");

  private record Run(int exitCode, String err) {}

  private static Run tcs(String... args) {
    StringWriter err = new StringWriter();
    CommandLine command = new CommandLine(new TcsCommand());
    command.setErr(new PrintWriter(err));
    command.setExecutionExceptionHandler(
        (e, line, parsed) -> {
          line.getErr().println("tcs: " + e.getMessage());
          return 1;
        });
    int code = command.execute(args);
    return new Run(code, err.toString());
  }

  /** A copy of the repository's config directory, demo keys included, with {@code edit} applied to one component file. */
  private static Path configCopy(Path dir, String component, String find, String replace) throws IOException {
    try (Stream<Path> files = Files.walk(CONFIG)) {
      for (Path file : files.toList()) {
        Path target = dir.resolve(CONFIG.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    }
    Path file = dir.resolve(component + ".yaml");
    String text = Files.readString(file);
    assertTrue(text.contains(find), "config/" + component + ".yaml holds " + find);
    Files.writeString(file, text.replace(find, replace));
    return dir;
  }

  @Test
  void run_shippedConfigWithoutKey_refusesNamingTheKey() {
    for (String component : new String[] {"catalogue", "region", "sidecar"}) {
      Run run = tcs("run", component, "--config-dir", CONFIG.toString());
      assertEquals(1, run.exitCode(), component + ": " + run.err());
      assertTrue(run.err().contains("auth.public-key is required"), component + ": " + run.err());
    }
  }

  @Test
  void runAndReplay_projectorWithoutViewKey_refuseNamingTheKey() {
    for (String[] args : new String[][] {{"run", "projector"}, {"replay"}}) {
      String[] withDir = java.util.Arrays.copyOf(args, args.length + 2);
      withDir[args.length] = "--config-dir";
      withDir[args.length + 1] = CONFIG.toString();
      Run run = tcs(withDir);
      assertEquals(1, run.exitCode(), String.join(" ", args) + ": " + run.err());
      assertTrue(run.err().contains("auth.view-key is required"), String.join(" ", args) + ": " + run.err());
    }
  }

  @Test
  void run_demoSecretWithoutOption_refused(@TempDir Path dir) throws Exception {
    Vertx vertx = Vertx.vertx();
    String secret;
    try {
      secret = new ConfigFiles(vertx, CONFIG, java.util.Map.of()).load("demo").getJsonObject("auth").getString("view-key");
    } finally {
      vertx.close().await();
    }
    Path config = configCopy(dir, "projector", "view-key: \"\"", "view-key: " + secret);
    Run run = tcs("run", "projector", "--config-dir", config.toString());
    assertEquals(1, run.exitCode(), run.err());
    assertTrue(run.err().contains("auth.view-key is the demo key"), run.err());
  }

  /** Regression: `tcs run` trusted config/demo-keys by default, so anyone with the repository could mint writer tokens. */
  @Test
  void run_demoKeyWithoutOption_refused(@TempDir Path dir) throws IOException {
    Path config = configCopy(dir, "catalogue", "public-key: \"\"", "public-key: demo-keys/jwt-public.pem");
    Run run = tcs("run", "catalogue", "--config-dir", config.toString());
    assertEquals(1, run.exitCode(), run.err());
    assertTrue(run.err().contains("auth.public-key is the demo key"), run.err());
  }

  @Test
  void run_insecureJoinDemoBeyondLoopback_refusedNamingTheAddress(@TempDir Path dir) throws IOException {
    Path config = configCopy(dir, "catalogue", "host: 127.0.0.1", "host: 0.0.0.0");
    Run run = tcs("run", "catalogue", "--insecure-join-demo", "--config-dir", config.toString());
    assertEquals(1, run.exitCode(), run.err());
    assertTrue(run.err().contains("http.host must be a loopback address"), run.err());
  }

  @Test
  void token_demo_stillIssuesTokensTheDemoAccepts() {
    PrintStream out = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    int code;
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      code = tcs("token", "--consumer", "jira", "--config-dir", CONFIG.toString()).exitCode();
    } finally {
      System.setOut(out);
    }
    assertEquals(0, code);
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject demo = new ConfigFiles(vertx, CONFIG, java.util.Map.of()).load("demo");
      Tokens tokens = new Tokens(vertx, AuthConfig.from(Settings.of("demo", demo).section("auth"), CONFIG));
      Principal principal = tokens.authenticate("Bearer " + printed.toString(StandardCharsets.UTF_8).trim()).await();
      assertEquals("jira", principal.subject());
      assertTrue(principal.has(Principal.READER));
    } finally {
      vertx.close().await();
    }
  }

  /** Regression: the image copied config/, demo private key included. */
  @Test
  void dockerfile_copiesNoPrivateKey() throws IOException {
    List<String> ignored = Files.exists(REPO.resolve(".dockerignore")) ? Files.readAllLines(REPO.resolve(".dockerignore")) : List.of();
    List<Path> copied = new ArrayList<>();
    for (String line : Files.readAllLines(REPO.resolve("deploy/Dockerfile"))) {
      String[] words = line.trim().split("\\s+");
      if (words.length < 3 || !words[0].equals("COPY")) {
        continue;
      }
      for (int i = 1; i < words.length - 1; i++) {
        copied.addAll(expand(words[i], ignored));
      }
    }
    assertFalse(copied.isEmpty());
    for (Path file : copied) {
      if (file.toString().contains("target")) {
        continue; // the build's output: jars
      }
      String text = Files.readString(file, StandardCharsets.ISO_8859_1);
      assertFalse(text.contains("PRIVATE KEY"), file + " holds a private key and would be copied into the image");
      assertFalse(dev.tcs.core.security.DemoKeys.isDemo(text), file + " is a demo key and would be copied into the image");
    }
  }

  private static List<Path> expand(String source, List<String> ignored) throws IOException {
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + source.replaceAll("/$", "") + (source.endsWith("/") ? "/**" : ""));
    List<PathMatcher> excluded = new ArrayList<>();
    for (String pattern : ignored) {
      if (!pattern.isBlank() && !pattern.startsWith("#")) {
        String glob = pattern.trim().replaceAll("/$", "/**");
        excluded.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
      }
    }
    Path base = REPO.resolve(source.contains("*") ? source.substring(0, source.lastIndexOf('/') + 1) : source).normalize();
    if (!Files.exists(base)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(base)) {
      return files
          .filter(Files::isRegularFile)
          .filter(f -> matcher.matches(REPO.relativize(f)) || REPO.relativize(f).startsWith(source.replaceAll("/$", "")))
          .filter(f -> excluded.stream().noneMatch(m -> m.matches(REPO.relativize(f))))
          .filter(f -> !f.toString().contains("/target/") || f.toString().endsWith(".jar"))
          .toList();
    }
  }
}
