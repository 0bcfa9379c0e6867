package dev.ratelimiter.agent.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** Runs store calls on a store's event loop, as its requests would, from a test's thread. */
public final class OnLoop {

  private OnLoop() {}

  /** Runs {@code action} in its own turn of {@code loop}; its outcome, to wait for. */
  public static <T> CompletableFuture<T> run(Context loop, Supplier<Future<T>> action) {
    CompletableFuture<T> result = new CompletableFuture<>();
    loop.runOnContext(
        v ->
            action
                .get()
                .onComplete(
                    ar -> {
                      if (ar.succeeded()) {
                        result.complete(ar.result());
                      } else {
                        result.completeExceptionally(ar.cause());
                      }
                    }));
    return result;
  }
}
