package dev.tcs.core.security;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;

/**
 * What every Hazelcast member and client of this service is allowed to do beyond the defaults:
 * nothing. A member listens on its configured interface only (not on every interface), and
 * neither members nor clients deserialize Java-serialized objects at all: the service sends
 * invalidations as plain strings, which Hazelcast encodes without Java serialization, so the
 * allowlist holds only {@code java.lang.String} and Hazelcast's own default allowances are off.
 * Invalidations themselves are authenticated separately ({@link dev.tcs.core.read.InvalidationReceiver}).
 */
public final class HazelcastLockdown {
  private HazelcastLockdown() {}

  /** Binds {@code config}'s member to {@code host} only and refuses Java deserialization. */
  public static Config member(Config config, String host) {
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface(host);
    config.setProperty("hazelcast.local.localAddress", host);
    config.getSerializationConfig().setJavaSerializationFilterConfig(strings());
    return config;
  }

  /** Refuses Java deserialization in a client. */
  public static ClientConfig client(ClientConfig config) {
    config.getSerializationConfig().setJavaSerializationFilterConfig(strings());
    return config;
  }

  private static JavaSerializationFilterConfig strings() {
    JavaSerializationFilterConfig filter = new JavaSerializationFilterConfig().setDefaultsDisabled(true);
    filter.getWhitelist().addClasses(String.class.getName());
    return filter;
  }
}
