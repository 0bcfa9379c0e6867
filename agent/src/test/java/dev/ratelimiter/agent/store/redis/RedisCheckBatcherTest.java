package dev.ratelimiter.agent.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.agent.store.AcquireResult;
import dev.ratelimiter.agent.store.OnLoop;
import dev.ratelimiter.policy.Algorithm;
import dev.ratelimiter.policy.Limit;
import dev.ratelimiter.testsupport.net.FreezableProxy;
import dev.ratelimiter.testsupport.redis.RedisServerProcess;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * While a script call of an event loop is out, the checks that loop receives gather for the next
 * call instead of each turn sending its own: Redis pays its per-call work once per batch. The wait
 * for its turn is the agent's, not Redis's: a check that waited for an earlier call still gives
 * Redis a whole timeout once its own call is sent, and so waits at most two timeouts.
 */
@DisplayName("Checks that arrive while a Redis call is out")
class RedisCheckBatcherTest {

  private static final List<Limit> LIMITS =
      List.of(new Limit("per-minute", 1000, 60, Algorithm.FixedWindow));

  private RedisServerProcess redis;
  private FreezableProxy proxy;
  private Vertx vertx;
  private RedisStore store;
  private Context loop;

  @BeforeEach
  void start() {
    redis = RedisServerProcess.start(null);
    proxy = FreezableProxy.to(redis.port());
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    if (store != null) {
      store.close().await();
    }
    vertx.close().await();
    proxy.close();
    redis.close();
  }

  private void startStore(long timeoutMillis) throws Exception {
    store =
        new RedisStore(
            vertx,
            RedisTarget.standalone("redis://127.0.0.1:" + proxy.port()),
            null,
            timeoutMillis,
            null);
    loop = vertx.getOrCreateContext();
    onLoop(() -> store.connectThisLoop()).get(5, TimeUnit.SECONDS);
  }

  /** Runs {@code action} in its own turn of the store's event loop. */
  private <T> CompletableFuture<T> onLoop(java.util.function.Supplier<Future<T>> action) {
    return OnLoop.run(loop, action);
  }

  @Test
  @DisplayName("fifty checks in fifty turns behind one unanswered call share the next call")
  void gatherWhileACallIsOut() throws Exception {
    startStore(10_000);
    redis.command("CONFIG RESETSTAT");
    proxy.freeze();
    List<CompletableFuture<AcquireResult>> answers = new ArrayList<>();
    answers.add(onLoop(() -> store.acquire("shop/api", "first", LIMITS, 1)));
    for (int i = 0; i < 50; i++) {
      String client = "client-" + i;
      // each in its own turn, so none would share a call with another without the gathering
      answers.add(onLoop(() -> store.acquire("shop/api", client, LIMITS, 1)));
      onLoop(() -> Future.succeededFuture()).get(5, TimeUnit.SECONDS);
    }
    proxy.thaw();
    for (CompletableFuture<AcquireResult> answer : answers) {
      assertThat(answer.get(10, TimeUnit.SECONDS).allowed()).isTrue();
    }
    assertThat(redis.scriptRuns()).as("script calls for 51 checks").isEqualTo(2);
  }

  @Test
  @DisplayName(
      "a check that waited for an earlier call gives Redis its whole timeout once its call is sent")
  void waitingDoesNotCountAgainstRedis() throws Exception {
    long timeout = 600;
    startStore(timeout);
    proxy.freeze();
    CompletableFuture<AcquireResult> first =
        onLoop(() -> store.acquire("shop/api", "first", LIMITS, 1));
    // the second check arrives half a timeout later, while the first call is still out
    Promise<Long> queuedAt = Promise.promise();
    CompletableFuture<AcquireResult> second = new CompletableFuture<>();
    vertx.setTimer(
        timeout / 2,
        t ->
            loop.runOnContext(
                v -> {
                  queuedAt.complete(System.nanoTime());
                  store
                      .acquire("shop/api", "second", LIMITS, 1)
                      .onComplete(
                          ar -> {
                            if (ar.succeeded()) {
                              second.complete(ar.result());
                            } else {
                              second.completeExceptionally(ar.cause());
                            }
                          });
                }));
    assertThat(first).failsWithin(5, TimeUnit.SECONDS);
    assertThat(second).failsWithin(5, TimeUnit.SECONDS);
    long waitedMillis =
        TimeUnit.NANOSECONDS.toMillis(
            System.nanoTime() - queuedAt.future().toCompletionStage().toCompletableFuture().get());
    // the rest of the first call (~300 ms), then a whole timeout of its own (600 ms): ~900 ms;
    // a budget shared with the wait would have cut it off at ~300 ms. On a loaded machine either
    // call may get its timeout afresh (StoreDeadline), but never beyond MAX_TIMEOUTS of its own.
    assertThat(waitedMillis)
        .as("ms from queueing the second check to its failure")
        .isBetween(timeout + timeout / 4, (2 * StoreDeadline.MAX_TIMEOUTS + 1) * timeout);
  }
}
