package dev.ratelimiter.agent.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestHttp;
import dev.ratelimiter.agent.TestSettings;
import dev.ratelimiter.agent.store.redis.LuaScript;
import dev.ratelimiter.policy.Algorithm;
import dev.ratelimiter.policy.Limit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Exact counting under concurrency, with every agent on {@link #EVENT_LOOPS} event loops as in
 * production (one per core): the requests of one client land on different loops at once, so the
 * store's locking (in memory) and the per-loop connections and batches (Redis) race for real.
 * Subclasses provide the agents and, where the store can show it, the counter.
 */
public abstract class ConcurrencyContract {

  public static final int EVENT_LOOPS = 4;

  /**
   * The policy's one limit; every algorithm's version admits exactly 10 per client during the test.
   */
  protected String limit() {
    return "{name: per-minute, requests: 10, window: 1m}";
  }

  /**
   * The store key of {@code client}'s counter for the default {@link #limit()} (FixedWindow, 1m).
   */
  public static String counterKey(String client) {
    return LuaScript.key(
        "shop/public-api", client, new Limit("per-minute", 10, 60, Algorithm.FixedWindow));
  }

  protected String policy() {
    return "policy: shop/public-api\nlimits: ["
        + limit()
        + "]\nclientKey: {trustedProxies: [127.0.0.2/32]}\n";
  }

  /** The agents under test, all counting for the same policy. */
  protected abstract List<RunningAgent> agents();

  /**
   * The store's counter of {@code client} for the limit, where the test can read it; null
   * otherwise.
   */
  protected abstract String counter(String client) throws Exception;

  /** An agent on {@link #EVENT_LOOPS} event loops, all serving its one (ephemeral) port. */
  protected RunningAgent startOnSeveralLoops(TestSettings settings) {
    return RunningAgent.start(settings.withEventLoops(EVENT_LOOPS), policy());
  }

  /** Fires all requests at once (released together by a latch) and returns the status of each. */
  public static List<Integer> burst(int count, int threads, IntFunction<Integer> request)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Integer>> replies = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int n = i;
        replies.add(
            pool.submit(
                () -> {
                  go.await();
                  return request.apply(n);
                }));
      }
      go.countDown();
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> reply : replies) {
        statuses.add(reply.get(60, TimeUnit.SECONDS));
      }
      return statuses;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @DisplayName("200 concurrent requests from one client let exactly 10 through")
  void exactlyTenOfTwoHundred() throws Exception {
    TestHttp http = new TestHttp();
    List<RunningAgent> agents = agents();
    List<Integer> statuses =
        burst(200, 200, n -> http.get(agents.get(n % agents.size()).http(), "/api").status());
    assertThat(statuses).containsOnly(200, 429);
    assertThat(statuses.stream().filter(s -> s == 200).count()).isEqualTo(10);
    String counter = counter("127.0.0.1");
    if (counter != null) {
      assertThat(counter).isEqualTo("10");
    }
  }

  @Test
  @DisplayName("Many clients at once each get exactly their own quota")
  void eachClientItsOwnQuota() throws Exception {
    TestHttp proxy = new TestHttp("127.0.0.2");
    List<RunningAgent> agents = agents();
    Map<String, AtomicInteger> allowed = new ConcurrentHashMap<>();
    List<Integer> statuses =
        burst(
            20 * 25,
            100,
            n -> {
              String client = "198.51.100." + (n % 20);
              int status =
                  proxy
                      .get(agents.get(n % agents.size()).http(), "/api", "X-Forwarded-For", client)
                      .status();
              if (status == 200) {
                allowed.computeIfAbsent(client, k -> new AtomicInteger()).incrementAndGet();
              }
              return status;
            });
    assertThat(statuses).containsOnly(200, 429);
    assertThat(allowed).hasSize(20);
    allowed.forEach((client, count) -> assertThat(count.get()).as(client).isEqualTo(10));
    for (int i = 0; i < 20; i++) {
      String counter = counter("198.51.100." + i);
      if (counter != null) {
        assertThat(counter).as("counter of 198.51.100." + i).isEqualTo("10");
      }
    }
  }
}
