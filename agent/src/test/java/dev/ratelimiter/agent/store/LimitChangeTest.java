package dev.ratelimiter.agent.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.agent.store.memory.InMemoryStore;
import dev.ratelimiter.agent.store.redis.RedisStore;
import dev.ratelimiter.agent.store.redis.RedisTarget;
import dev.ratelimiter.policy.Algorithm;
import dev.ratelimiter.policy.Limit;
import dev.ratelimiter.testsupport.redis.RedisServerProcess;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a policy edit does to a client's counters, the same in both stores: changing only {@code
 * requests} (or a bucket's {@code burst}) keeps them; changing the algorithm or the window starts
 * afresh (the key names both).
 */
@DisplayName(
    "Changing a limit: requests keep the counters, a new algorithm or window starts afresh")
class LimitChangeTest {

  private static RedisServerProcess redis;
  private static Vertx vertx;
  private static RedisStore redisStore;
  private final AtomicLong clock = new AtomicLong(1_000_000);

  @BeforeAll
  static void start() {
    redis = RedisServerProcess.start(null);
    vertx = Vertx.vertx();
    redisStore = new RedisStore(vertx, RedisTarget.standalone(redis.url()), null, 10_000, null);
    Promise<Void> warm = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> redisStore.connectThisLoop().onComplete(warm));
    warm.future().await();
  }

  @AfterAll
  static void stop() {
    redisStore.close().await();
    vertx.close().await();
    redis.close();
  }

  private CounterStore store(String which) {
    return which.equals("redis") ? redisStore : new InMemoryStore(clock::get, 100);
  }

  private static long remainingAfter(CounterStore store, String client, Limit limit) {
    AcquireResult result = store.acquire("edits", client, List.of(limit), 1).await();
    assertThat(result.allowed()).as("%s allowed", limit).isTrue();
    return result.remaining()[0];
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"in-memory", "redis"})
  @DisplayName(
      "FixedWindow: more requests keep the count; a longer window or another algorithm starts afresh")
  void fixedWindow(String which) {
    CounterStore store = store(which);
    String client = which + "-fixed";
    for (int i = 0; i < 3; i++) {
      remainingAfter(store, client, new Limit("q", 3, 60, Algorithm.FixedWindow));
    }
    assertThat(remainingAfter(store, client, new Limit("q", 5, 60, Algorithm.FixedWindow)))
        .as("4 of 5 counted")
        .isEqualTo(1);
    assertThat(remainingAfter(store, client, new Limit("q", 5, 120, Algorithm.FixedWindow)))
        .as("a new window")
        .isEqualTo(4);
    assertThat(remainingAfter(store, client, new Limit("q", 5, 120, Algorithm.SlidingWindow)))
        .as("a new algorithm")
        .isEqualTo(4);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"in-memory", "redis"})
  @DisplayName("SlidingWindow: fewer requests keep the log; another window starts afresh")
  void slidingWindow(String which) {
    CounterStore store = store(which);
    String client = which + "-sliding";
    remainingAfter(store, client, new Limit("q", 5, 600, Algorithm.SlidingWindow));
    assertThat(remainingAfter(store, client, new Limit("q", 2, 600, Algorithm.SlidingWindow)))
        .as("2 of 2 counted")
        .isZero();
    assertThat(remainingAfter(store, client, new Limit("q", 2, 601, Algorithm.SlidingWindow)))
        .as("a new window")
        .isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"in-memory", "redis"})
  @DisplayName(
      "TokenBucket: a new rate or burst keeps the tokens (at most the new burst); another algorithm starts afresh")
  void tokenBucket(String which) {
    CounterStore store = store(which);
    String client = which + "-bucket";
    assertThat(remainingAfter(store, client, new Limit("q", 1, 3600, Algorithm.TokenBucket, 10)))
        .isEqualTo(9);
    assertThat(remainingAfter(store, client, new Limit("q", 2, 3600, Algorithm.TokenBucket, 10)))
        .as("tokens kept")
        .isEqualTo(8);
    assertThat(remainingAfter(store, client, new Limit("q", 2, 3600, Algorithm.TokenBucket, 5)))
        .as("capped at the new burst")
        .isEqualTo(4);
    assertThat(remainingAfter(store, client, new Limit("q", 5, 3600, Algorithm.FixedWindow)))
        .as("a new algorithm")
        .isEqualTo(4);
  }
}
