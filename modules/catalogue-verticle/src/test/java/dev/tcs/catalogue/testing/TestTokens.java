package dev.tcs.catalogue.testing;

import dev.tcs.core.auth.AuthConfig;
import dev.tcs.core.auth.Principal;
import dev.tcs.core.auth.Tokens;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/** Tokens signed with the demo keys of {@code config/demo-keys}, and a few bad ones. */
public final class TestTokens {
  private final Vertx vertx;
  private final AuthConfig config;
  private final Tokens tokens;

  public TestTokens(Vertx vertx) {
    this.vertx = vertx;
    Path keys = demoKeys();
    this.config =
        new AuthConfig(read(keys.resolve("jwt-public.pem")), read(keys.resolve("jwt-private.pem")), "tcs-demo", "tcs", Duration.ofSeconds(5));
    this.tokens = new Tokens(vertx, config);
  }

  /** The verifier (and issuer) to give the catalogue. */
  public Tokens tokens() {
    return tokens;
  }

  public String writer(String subject) {
    return tokens.issue(subject, Set.of(Principal.WRITER), Duration.ofHours(1));
  }

  public String reader(String subject) {
    return tokens.issue(subject, Set.of(Principal.READER), Duration.ofHours(1));
  }

  /** A writer token that expired an hour ago. */
  public String expiredWriter(String subject) {
    JWTAuth jwt =
        JWTAuth.create(
            vertx,
            new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(config.privateKeyPem())));
    long now = System.currentTimeMillis() / 1000;
    return jwt.generateToken(
        new JsonObject().put("roles", new JsonArray(List.of(Principal.WRITER))).put("exp", now - 3600).put("iat", now - 7200),
        new JWTOptions().setAlgorithm("RS256").setSubject(subject).setIssuer(config.issuer()).setAudience(List.of(config.audience())).setNoTimestamp(true));
  }

  /** A writer token signed with a key the catalogue does not know. */
  public String foreignWriter(String subject) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      String pem =
          "-----BEGIN PRIVATE KEY-----\n"
              + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(generator.generateKeyPair().getPrivate().getEncoded())
              + "\n-----END PRIVATE KEY-----\n";
      JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(pem)));
      return jwt.generateToken(
          new JsonObject().put("roles", new JsonArray(List.of(Principal.WRITER))),
          new JWTOptions().setAlgorithm("RS256").setSubject(subject).setIssuer(config.issuer()).setAudience(List.of(config.audience())).setExpiresInSeconds(3600));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code config/demo-keys} of the repository, found from the working directory upwards. */
  public static Path demoKeys() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path keys = dir.resolve("config/demo-keys");
      if (Files.isRegularFile(keys.resolve("jwt-public.pem"))) {
        return keys;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("config/demo-keys not found above " + Path.of("").toAbsolutePath());
  }

  private static String read(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
