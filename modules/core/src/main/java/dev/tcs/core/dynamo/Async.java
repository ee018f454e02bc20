package dev.tcs.core.dynamo;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/** Bridges SDK futures to Vert.x: continuations come back on the caller's context, and the cause is unwrapped. */
public final class Async {
  private Async() {}

  public static <T> Future<T> on(Context context, CompletionStage<T> stage) {
    return Future.fromCompletionStage(stage, context).recover(e -> Future.failedFuture(unwrap(e)));
  }

  /** The real cause inside {@link CompletionException} / {@link ExecutionException} wrappers. */
  public static Throwable unwrap(Throwable e) {
    Throwable cause = e;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
