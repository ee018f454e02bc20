package dev.tcs.catalogue;

import dev.tcs.catalogue.testing.Http;
import dev.tcs.infra.LocalInfra;
import io.vertx.core.Vertx;

/** Lets tests in sub-packages use a {@link CatalogueHarness} (package-private). */
public final class CatalogueHarnessAccess implements AutoCloseable {
  private final CatalogueHarness harness;

  private CatalogueHarnessAccess(CatalogueHarness harness) {
    this.harness = harness;
  }

  public static CatalogueHarnessAccess deploy(LocalInfra infra) {
    return new CatalogueHarnessAccess(new CatalogueHarness(infra.dynamo().endpoint(), infra.kafka().bootstrapServers()).deploy());
  }

  public Http http() {
    return harness.http();
  }

  public Vertx vertx() {
    return harness.vertx;
  }

  public int port() {
    return harness.port();
  }

  public String writerToken() {
    return harness.tokens.writer("ops-import");
  }

  @Override
  public void close() {
    harness.close();
  }
}
