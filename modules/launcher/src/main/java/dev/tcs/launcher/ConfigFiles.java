package dev.tcs.launcher;

import dev.tcs.core.config.ConfigLoader;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;

/**
 * The component config files under the config directory, each read with its environment prefix:
 * {@code catalogue.yaml} ({@code TCS_CATALOGUE_*}), {@code projector.yaml}, {@code region.yaml},
 * {@code sidecar.yaml}, {@code demo.yaml}; and {@code views.yaml}, which is not overridable.
 */
final class ConfigFiles {
  private final Vertx vertx;
  private final Path dir;
  private final Map<String, String> env;

  ConfigFiles(Vertx vertx, Path dir, Map<String, String> env) {
    this.vertx = vertx;
    this.dir = dir;
    this.env = env;
  }

  Path dir() {
    return dir;
  }

  /** Loads {@code <component>.yaml} with overrides under {@code TCS_<COMPONENT>}; blocks (call from main). */
  JsonObject load(String component) {
    return ConfigLoader.load(vertx, dir.resolve(component + ".yaml"), env, "TCS_" + component.toUpperCase().replace('-', '_')).await();
  }

  /** The view definitions; never overridden from the environment. */
  JsonObject views() {
    return ConfigLoader.load(vertx, dir.resolve("views.yaml"), Map.of(), "TCS_VIEWS").await();
  }
}
