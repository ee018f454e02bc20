package dev.tcs.launcher;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code tcs} command: the demo, one component against real infrastructure, tokens, import. */
@Command(
    name = "tcs",
    mixinStandardHelpOptions = true,
    version = "tcs 0.1.0",
    description = "Tenant Context Service: which tenant is this, and where does it live?",
    subcommands = {DemoCommand.class, UpCommand.class, DownCommand.class, InfraCommand.class, RunCommand.class, TokenCommand.class, ImportCommand.class, ReplayCommand.class, ChaosCommand.class, DrillCommand.class, CommandLine.HelpCommand.class})
public final class TcsCommand {
  @Option(
      names = "--config-dir",
      description = "Directory of the YAML config files (default: $TCS_CONFIG_DIR, else ./config).",
      scope = CommandLine.ScopeType.INHERIT)
  Path configDir;

  Path configDir() {
    if (configDir != null) {
      return configDir;
    }
    String fromEnv = System.getenv("TCS_CONFIG_DIR");
    return Path.of(fromEnv != null && !fromEnv.isBlank() ? fromEnv : "config").toAbsolutePath();
  }

  public static void main(String[] args) {
    // Long-running commands (demo, run) block until a signal; their shutdown hook cleans up.
    System.exit(new CommandLine(new TcsCommand()).setExecutionExceptionHandler(TcsCommand::reportFailure).execute(args));
  }

  private static int reportFailure(Exception e, CommandLine commandLine, CommandLine.ParseResult parsed) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getMessage() == null) {
      cause = cause.getCause();
    }
    commandLine.getErr().println("tcs: " + (cause.getMessage() != null ? cause.getMessage() : cause.toString()));
    if (System.getenv("TCS_DEBUG") != null) {
      e.printStackTrace(commandLine.getErr());
    }
    return 1;
  }
}
