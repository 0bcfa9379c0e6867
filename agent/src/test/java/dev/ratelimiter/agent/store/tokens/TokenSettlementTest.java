package dev.ratelimiter.agent.store.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.agent.store.AcquireResult;
import dev.ratelimiter.agent.store.CounterStore;
import dev.ratelimiter.agent.store.OnLoop;
import dev.ratelimiter.agent.store.memory.InMemoryStore;
import dev.ratelimiter.agent.store.redis.RedisStore;
import dev.ratelimiter.agent.store.redis.RedisTarget;
import dev.ratelimiter.policy.Algorithm;
import dev.ratelimiter.policy.Cost;
import dev.ratelimiter.policy.Limit;
import dev.ratelimiter.testsupport.redis.RedisServerProcess;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A token budget's reserve and settle on every store and with every algorithm: per-limit costs in
 * one atomic call, refunds that let the next requests through, and charges beyond the reservation
 * that leave the client in debt until it has recovered. Windows are a day long, so that what
 * accrues while the test runs (a TokenBucket's refill) is below one token.
 */
@DisplayName("A token budget reserves before and settles after")
class TokenSettlementTest {

  private static final AtomicInteger CLIENTS = new AtomicInteger();
  private static RedisServerProcess redis;
  private static Vertx vertx;
  private static RedisStore redisStore;
  private static Context loop;

  @BeforeAll
  static void start() throws Exception {
    redis = RedisServerProcess.start(null);
    vertx = Vertx.vertx();
    redisStore = new RedisStore(vertx, RedisTarget.standalone(redis.url()), null, 10_000, null);
    loop = vertx.getOrCreateContext();
    await(() -> redisStore.connectThisLoop());
  }

  @AfterAll
  static void stop() {
    redisStore.close().await();
    vertx.close().await();
    redis.close();
  }

  static Stream<Arguments> storesAndAlgorithms() {
    Supplier<CounterStore> memory = () -> new InMemoryStore(System::currentTimeMillis, 100);
    Supplier<CounterStore> inRedis = () -> redisStore;
    return Stream.of(Algorithm.values())
        .flatMap(
            a -> Stream.of(Arguments.of("memory", memory, a), Arguments.of("redis", inRedis, a)));
  }

  private static Limit tokens(Algorithm algorithm) {
    long budget = 5000;
    return new Limit(
        "tokens",
        algorithm == Algorithm.SlidingWindow ? 5000 : budget,
        86_400,
        algorithm,
        budget,
        null,
        new Cost(Cost.Usage.TotalTokens, 1000, null));
  }

  /** Runs {@code call} on the store's event loop (whose Redis connection it uses). */
  private static <T> T await(Supplier<Future<T>> call) throws Exception {
    return OnLoop.run(loop, call).get(10, TimeUnit.SECONDS);
  }

  @ParameterizedTest(name = "{0}, {2}")
  @MethodSource("storesAndAlgorithms")
  @DisplayName(
      "reservations of 1000 fit five times in 5000; refunds of 700 each make room for three more")
  void refundsMakeRoom(String name, Supplier<CounterStore> stores, Algorithm algorithm)
      throws Exception {
    CounterStore store = stores.get();
    String client = "client-" + CLIENTS.incrementAndGet();
    Limit requests = new Limit("requests", 100, 86_400, Algorithm.FixedWindow);
    List<Limit> limits = List.of(requests, tokens(algorithm));
    long[] costs = {1, 1000};
    for (int i = 0; i < 5; i++) {
      AcquireResult r = await(() -> store.acquireEach("t", client, limits, costs));
      assertThat(r.allowed()).as("reservation " + i).isTrue();
      assertThat(r.remaining()[1]).isEqualTo(4000 - 1000L * i);
    }
    AcquireResult sixth = await(() -> store.acquireEach("t", client, limits, costs));
    assertThat(sixth.allowed()).as("a sixth reservation").isFalse();
    assertThat(sixth.remaining()[0]).as("the refused one took no request").isEqualTo(95);
    for (int i = 0; i < 5; i++) {
      await(() -> store.settle("t", client, limits, new long[] {0, -700}));
    }
    for (int i = 0; i < 3; i++) {
      AcquireResult r = await(() -> store.acquireEach("t", client, limits, costs));
      assertThat(r.allowed()).as("after the refunds, reservation " + i).isTrue();
      assertThat(r.remaining()[1]).isEqualTo(2500 - 1000L * i);
      assertThat(r.remaining()[0]).as("requests are counted as requests").isEqualTo(94 - i);
    }
    assertThat(await(() -> store.acquireEach("t", client, limits, costs)).allowed())
        .as("500 tokens left: no room for 1000")
        .isFalse();
    assertThat(await(() -> store.acquireEach("t", client, limits, new long[] {1, 500})).allowed())
        .as("but for 500")
        .isTrue();
  }

  @ParameterizedTest(name = "{0}, {2}")
  @MethodSource("storesAndAlgorithms")
  @DisplayName("a charge beyond the reservation leaves the client in debt until it has recovered")
  void chargesLeaveDebt(String name, Supplier<CounterStore> stores, Algorithm algorithm)
      throws Exception {
    CounterStore store = stores.get();
    String client = "client-" + CLIENTS.incrementAndGet();
    List<Limit> limits = List.of(tokens(algorithm));
    assertThat(await(() -> store.acquireEach("t", client, limits, new long[] {1000})).allowed())
        .isTrue();
    // reported 7000 where 1000 were reserved: 2000 beyond the budget
    await(() -> store.settle("t", client, limits, new long[] {6000}));
    AcquireResult next = await(() -> store.acquireEach("t", client, limits, new long[] {1}));
    assertThat(next.allowed()).as("one token while 2000 in debt").isFalse();
    assertThat(next.remaining()[0]).isZero();
    long retry = next.retryMillis()[0];
    if (algorithm == Algorithm.TokenBucket) {
      // 2001 tokens to recover at 5000 per day
      assertThat(retry).isBetween(2000L * 86_400_000 / 5000, 2002L * 86_400_000 / 5000);
    } else {
      assertThat(retry).as("until the window moves on").isGreaterThan(86_000_000L);
    }
    // a refund of all of it brings the budget back to full, not beyond
    await(() -> store.settle("t", client, limits, new long[] {-20_000}));
    AcquireResult all = await(() -> store.acquireEach("t", client, limits, new long[] {5000}));
    assertThat(all.allowed()).as("the whole budget after the refund").isTrue();
    assertThat(await(() -> store.acquireEach("t", client, limits, new long[] {1})).allowed())
        .as("and not a token more")
        .isFalse();
  }
}
