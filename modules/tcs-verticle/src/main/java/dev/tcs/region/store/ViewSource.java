package dev.tcs.region.store;

import dev.tcs.core.read.ReadKey;
import java.util.concurrent.CompletableFuture;

/** Where the cache loads views from. Must not block the calling thread. */
@FunctionalInterface
public interface ViewSource {
  /**
   * Looks up one item; completes with {@link StoredView#ABSENT} when there is none and
   * exceptionally when the store cannot answer.
   *
   * @param consistent read the latest write (costs more); otherwise a read may lag a moment
   */
  CompletableFuture<StoredView> find(ReadKey key, boolean consistent);
}
