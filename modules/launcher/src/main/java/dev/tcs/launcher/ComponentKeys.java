package dev.tcs.launcher;

import dev.tcs.core.auth.AuthConfig;
import dev.tcs.core.config.Settings;
import dev.tcs.core.security.DemoKeys;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a component's keys come from. In {@code ./tcs demo} every component takes the demo's
 * {@code auth} section ({@code demo.yaml}); {@code tcs run} takes the component's own file, which
 * names no key by default, and refuses the repository's demo keys unless
 * {@code --insecure-join-demo} is given and the component binds to loopback only
 * ({@link DemoKeys#refuseOutsideDemo}).
 */
final class ComponentKeys {
  private static final Logger log = LoggerFactory.getLogger(ComponentKeys.class);

  private ComponentKeys() {}

  /** Replaces each key of the component's {@code auth} section with the demo's, if it has one (never the private key). */
  static JsonObject useDemoKeys(JsonObject component, JsonObject demo) {
    JsonObject auth = component.getJsonObject("auth");
    if (auth == null) {
      return component;
    }
    JsonObject demoAuth = demo.getJsonObject("auth", new JsonObject());
    for (String key : auth.fieldNames().toArray(String[]::new)) {
      if (demoAuth.containsKey(key) && !key.equals("private-key")) {
        auth.put(key, demoAuth.getValue(key));
      }
    }
    return component;
  }

  /** {@code --insecure-join-demo}: the demo's keys, for a component started by hand next to a running demo. */
  static JsonObject joinDemo(JsonObject component, JsonObject demo) {
    log.warn("--insecure-join-demo: trusting the repository's demo keys; loopback only, never in a real deployment");
    return useDemoKeys(component, demo);
  }

  /** Fails unless the component's token key may be used outside the demo (see {@link DemoKeys}). */
  static void refuseDemoKeys(Settings root, AuthConfig auth, boolean insecureJoinDemo) {
    if (DemoKeys.refuseOutsideDemo("auth.public-key", auth.publicKeyPem(), insecureJoinDemo, binds(root))) {
      log.warn("auth.public-key is the demo key: accepted because of --insecure-join-demo on loopback");
    }
  }

  /** Fails unless the component's shared secrets ({@code auth.view-key}, {@code auth.invalidation-key}) may be used outside the demo. */
  static void refuseDemoSecrets(Settings root, boolean insecureJoinDemo) {
    if (!(root.json().getValue("auth") instanceof JsonObject auth)) {
      return;
    }
    for (String key : new String[] {"view-key", "invalidation-key"}) {
      if (auth.getValue(key) instanceof String secret && !secret.isBlank()
          && DemoKeys.refuseOutsideDemo("auth." + key, secret, insecureJoinDemo, binds(root))) {
        log.warn("auth.{} is the demo secret: accepted because of --insecure-join-demo on loopback", key);
      }
    }
  }

  /** The addresses a component listens on, by config key. */
  static Map<String, String> binds(Settings root) {
    Map<String, String> binds = new LinkedHashMap<>();
    if (root.json().getValue("http") instanceof JsonObject http) {
      binds.put("http.host", http.getString("host", "127.0.0.1"));
    }
    if (root.json().getValue("hazelcast") instanceof JsonObject hazelcast && hazelcast.containsKey("port")) {
      binds.put("hazelcast.host", hazelcast.getString("host", "127.0.0.1"));
    }
    return binds;
  }
}
