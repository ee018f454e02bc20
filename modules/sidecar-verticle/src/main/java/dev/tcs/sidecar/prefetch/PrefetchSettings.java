package dev.tcs.sidecar.prefetch;

import dev.tcs.core.config.ConfigException;
import dev.tcs.core.config.Settings;
import dev.tcs.core.model.TenantIds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What the sidecar loads into its cache at start, before any application asks ({@code
 * sidecar.prefetch}); off when it lists no tenant.
 *
 * <pre>
 * prefetch:
 *   tenants: [acme, globex]               # and/or
 *   tenants-file: /etc/tcs/prefetch.txt   # one tenant id per line; blank lines and # comments skipped
 *   token-file: /var/run/tcs/reader.jwt   # a reader token: its subject is the consumer prefetched for
 *   concurrency: 32                       # loads in flight at once, 1..1024
 * </pre>
 *
 * Read when the config is loaded (the launcher's main thread: the files are read there, never on
 * an event loop). Every tenant id is checked against the tenant-id rule; the list may not exceed
 * {@code sidecar.cache.maximum-size}.
 *
 * @param tenants the tenant ids, in order, without duplicates
 * @param authorization the {@code Authorization} header value the loads send ({@code Bearer <token>})
 * @param tokenKey the config key the token came from, for error messages
 * @param concurrency loads in flight at once
 */
public record PrefetchSettings(List<String> tenants, String authorization, String tokenKey, int concurrency) {
  public static final int DEFAULT_CONCURRENCY = 32;

  public PrefetchSettings {
    tenants = List.copyOf(tenants);
    Objects.requireNonNull(authorization, "authorization");
  }

  /** The settings of {@code prefetch} (a {@code sidecar} section), or empty when it lists no tenant. */
  public static Optional<PrefetchSettings> from(Settings prefetch, long maximumSize) {
    prefetch.allowOnly("tenants", "tenants-file", "token-file", "concurrency");
    Set<String> tenants = new LinkedHashSet<>();
    List<String> listed = prefetch.strings("tenants", List.of());
    for (int i = 0; i < listed.size(); i++) {
      String id = listed.get(i).trim();
      if (!TenantIds.isValid(id)) {
        throw new ConfigException(prefetch.key("tenants") + "[" + i + "] must match " + TenantIds.RULE + ", but was '" + listed.get(i) + "'");
      }
      tenants.add(id);
    }
    String file = optionalString(prefetch, "tenants-file");
    if (file != null) {
      tenants.addAll(readTenantsFile(prefetch.key("tenants-file"), Path.of(file)));
    }
    String tokenFile = optionalString(prefetch, "token-file");
    int concurrency = prefetch.integer("concurrency", 1, 1024, DEFAULT_CONCURRENCY);
    if (tenants.isEmpty()) {
      if (tokenFile != null) {
        throw new ConfigException(prefetch.key("token-file") + " is set but neither " + prefetch.key("tenants") + " nor " + prefetch.key("tenants-file") + " lists a tenant");
      }
      return Optional.empty();
    }
    if (tenants.size() > maximumSize) {
      throw new ConfigException(
          prefetch.path() + " lists " + tenants.size() + " tenants, more than sidecar.cache.maximum-size (" + maximumSize + ") can hold");
    }
    if (tokenFile == null) {
      throw new ConfigException(
          prefetch.key("token-file") + " is required when tenants are listed: a reader token whose subject is the consumer to prefetch for, but was missing");
    }
    String token = readToken(prefetch.key("token-file"), Path.of(tokenFile));
    return Optional.of(new PrefetchSettings(List.copyOf(tenants), "Bearer " + token, prefetch.key("token-file"), concurrency));
  }

  /** Never prints the token. */
  @Override
  public String toString() {
    return "PrefetchSettings[tenants=" + tenants.size() + ", token from " + tokenKey + ", concurrency=" + concurrency + "]";
  }

  private static String optionalString(Settings settings, String key) {
    Object value = settings.json().getValue(key);
    if (value == null || (value instanceof String text && text.isBlank())) {
      return null;
    }
    return settings.string(key);
  }

  private static List<String> readTenantsFile(String key, Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException | UncheckedIOException e) {
      throw new ConfigException(key + " must be a readable UTF-8 file of tenant ids, but '" + file + "' could not be read: " + e.getMessage());
    }
    Set<String> out = new LinkedHashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (!TenantIds.isValid(line)) {
        throw new ConfigException(key + " line " + (i + 1) + " must be a tenant id matching " + TenantIds.RULE + ", but was '" + shorten(line) + "' (" + file + ")");
      }
      out.add(line);
    }
    return List.copyOf(out);
  }

  private static String readToken(String key, Path file) {
    String token;
    try {
      token = Files.readString(file, StandardCharsets.UTF_8).trim();
    } catch (IOException | UncheckedIOException e) {
      throw new ConfigException(key + " must be a readable file holding a reader token, but '" + file + "' could not be read: " + e.getMessage());
    }
    if (token.regionMatches(true, 0, "Bearer ", 0, 7)) {
      token = token.substring(7).trim();
    }
    if (token.isEmpty() || token.chars().anyMatch(c -> c <= ' ' || c > '~')) {
      throw new ConfigException(key + " must hold one token (printable, no spaces), but '" + file + "' held " + (token.isEmpty() ? "nothing" : "other text"));
    }
    return token;
  }

  private static String shorten(String text) {
    return text.length() <= 80 ? text : text.substring(0, 80) + "...";
  }
}
