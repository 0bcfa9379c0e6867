package dev.ratelimiter.agent.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.agent.store.AcquireResult;
import dev.ratelimiter.agent.store.OnLoop;
import dev.ratelimiter.agent.store.StoreUnavailableException;
import dev.ratelimiter.policy.Algorithm;
import dev.ratelimiter.policy.Limit;
import dev.ratelimiter.testsupport.net.FreezableProxy;
import dev.ratelimiter.testsupport.redis.RedisServerProcess;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The timeout bounds Redis, not this agent: time the agent's event loop was held up does not count
 * against Redis, and a call Redis runs after the agent stopped waiting for it counts nothing.
 */
@DisplayName("The Redis timeout counts Redis's time, not the agent's")
class RedisTimeoutRuleTest {

  private static final long TIMEOUT_MILLIS = 100;
  private static final List<Limit> LIMITS =
      List.of(new Limit("per-minute", 10, 60, Algorithm.FixedWindow));
  private static final String KEY = LuaScript.key("shop/api", "client", LIMITS.get(0));

  private RedisServerProcess redis;
  private FreezableProxy proxy;
  private Vertx vertx;
  private RedisStore store;
  private Context loop;

  @BeforeEach
  void start() throws Exception {
    redis = RedisServerProcess.start(null);
    proxy = FreezableProxy.to(redis.port());
    vertx = Vertx.vertx();
    store =
        new RedisStore(
            vertx,
            RedisTarget.standalone("redis://127.0.0.1:" + proxy.port()),
            null,
            TIMEOUT_MILLIS,
            null);
    loop = vertx.getOrCreateContext();
    onLoop(() -> store.connectThisLoop()).get(5, TimeUnit.SECONDS);
    onLoop(() -> store.prepare(5000)).get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() {
    store.close().await();
    vertx.close().await();
    proxy.close();
    redis.close();
  }

  private <T> CompletableFuture<T> onLoop(Supplier<Future<T>> action) {
    return OnLoop.run(loop, action);
  }

  /** Keeps the store's event loop busy for {@code millis}, as a burst or a cold JIT would. */
  private CountDownLatch holdLoop(long millis) {
    CountDownLatch over = new CountDownLatch(1);
    loop.runOnContext(
        v -> {
          long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
          while (System.nanoTime() < end) {
            Thread.onSpinWait();
          }
          over.countDown();
        });
    return over;
  }

  @Test
  @DisplayName(
      "a loop held up for four timeouts, with Redis answering just after: the answer is used and the request counted once")
  void heldLoopIsNotRedisFailing() throws Exception {
    proxy.freeze();
    CompletableFuture<AcquireResult> answer =
        onLoop(() -> store.acquire("shop/api", "client", LIMITS, 1));
    CountDownLatch over = holdLoop(4 * TIMEOUT_MILLIS);
    assertThat(over.await(10, TimeUnit.SECONDS)).isTrue();
    Thread.sleep(TIMEOUT_MILLIS / 3); // Redis answers a third of a timeout after the hold
    proxy.thaw();
    AcquireResult result = answer.get(10, TimeUnit.SECONDS);
    assertThat(result.allowed()).isTrue();
    assertThat(redis.command("GET " + KEY)).as("counted once").isEqualTo("1");
  }

  @Test
  @DisplayName(
      "a call Redis runs only after the agent gave up on it (failurePolicy decided) counts nothing")
  void lateCallCountsNothing() throws Exception {
    proxy.freeze();
    long start = System.nanoTime();
    CompletableFuture<AcquireResult> answer =
        onLoop(() -> store.acquire("shop/api", "client", LIMITS, 1));
    ExecutionException failed =
        org.junit.jupiter.api.Assertions.assertThrows(
            ExecutionException.class, () -> answer.get(10, TimeUnit.SECONDS));
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(failed.getCause())
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("did not answer within " + TIMEOUT_MILLIS + " ms");
    assertThat(((StoreUnavailableException) failed.getCause()).reason())
        .isEqualTo(StoreUnavailableException.Reason.TIMEOUT);
    assertThat(millis).as("decided within about the timeout").isLessThan(10 * TIMEOUT_MILLIS);
    proxy.thaw();
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> redis.command("INFO commandstats").contains("cmdstat_evalsha:calls=1,"));
    assertThat(redis.command("EXISTS " + KEY)).as("the late call left no counter").isEqualTo(":0");
    assertThat(store.lateCounted()).isZero();
  }
}
