package dev.tcs.launcher;

import dev.tcs.core.auth.AuthConfig;
import dev.tcs.core.auth.Principal;
import dev.tcs.core.auth.Tokens;
import dev.tcs.core.config.Settings;
import dev.tcs.core.model.Consumers;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** Prints a bearer token the demo accepts, signed with the demo key from {@code demo.yaml}. */
@Command(name = "token", mixinStandardHelpOptions = true, description = "Print a bearer token for a consumer or a writer.")
final class TokenCommand implements Callable<Integer> {
  @ParentCommand TcsCommand parent;

  @ArgGroup(multiplicity = "1")
  Kind kind;

  static final class Kind {
    @Option(names = "--consumer", paramLabel = "NAME", description = "A reader token whose subject is this consumer.")
    String consumer;

    @Option(names = "--writer", description = "A catalogue writer token.")
    boolean writer;

    @Option(names = "--admin", description = "An admin token (the regions' chaos controls).")
    boolean admin;
  }

  @Option(names = "--subject", paramLabel = "NAME", description = "Subject of a writer or admin token (default: demo-writer).")
  String subject = "demo-writer";

  @Option(names = "--ttl", paramLabel = "DURATION", description = "Lifetime, e.g. 30m, 12h (default: demo.yaml token-ttl).")
  String ttl;

  @Override
  public Integer call() {
    Vertx vertx = Vertx.vertx();
    try {
      Settings demo = Settings.of("demo", new ConfigFiles(vertx, parent.configDir(), System.getenv()).load("demo"));
      Duration lifetime =
          ttl != null ? Settings.of("", new io.vertx.core.json.JsonObject().put("ttl", ttl)).duration("ttl", null) : demo.duration("token-ttl", Duration.ofHours(12));
      Tokens tokens = new Tokens(vertx, AuthConfig.from(demo.section("auth"), parent.configDir()));
      String token =
          kind.admin
              ? tokens.issue(subject, Set.of(Principal.ADMIN), lifetime)
              : kind.writer
              ? tokens.issue(subject, Set.of(Principal.WRITER), lifetime)
              : tokens.issue(Consumers.require("--consumer", kind.consumer), Set.of(Principal.READER), lifetime);
      System.out.println(token);
      return 0;
    } finally {
      vertx.close();
    }
  }
}
