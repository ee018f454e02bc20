package dev.tcs.core.config;

/** A config file or override that breaks a rule; the message names the key. Stops start-up. */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
