package dev.ratelimiter.agent.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestBackend;
import dev.ratelimiter.agent.TestHttp;
import dev.ratelimiter.agent.TestSettings;
import dev.ratelimiter.testsupport.redis.RedisServerProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Three proxying agents sharing one Redis in front of one backend")
class ProxyConcurrencyTest {

  private static RedisServerProcess redis;
  private static TestBackend backend;
  private static final List<RunningAgent> agents = new ArrayList<>();

  @BeforeAll
  static void start() {
    redis = RedisServerProcess.start("s3cret-pass");
    backend = TestBackend.start();
    for (int i = 0; i < 3; i++) {
      // The default Redis timeout, as an agent in production has it; a generous backend one.
      agents.add(
          RunningAgent.start(
              TestSettings.local(redis.url(), redis.password(), null)
                  .withBackend(backend.url(), 30_000),
              """
                    policy: shop/public-api
                    limits: [{name: per-minute, requests: 10, window: 1m}]
                    """));
    }
  }

  @AfterAll
  static void stop() {
    agents.forEach(RunningAgent::close);
    backend.close();
    redis.close();
  }

  @Test
  @DisplayName(
      "200 concurrent requests from one client across the three agents: exactly 10 reach the backend, 190 get 429")
  void exactlyTenReachTheBackend() throws Exception {
    TestHttp http = new TestHttp();
    ExecutorService pool = Executors.newFixedThreadPool(200);
    List<Integer> statuses = new ArrayList<>();
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Integer>> replies = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        int n = i;
        replies.add(
            pool.submit(
                () -> {
                  go.await();
                  return http.send(
                          n % 2 == 0 ? "GET" : "POST",
                          agents.get(n % 3).http(),
                          "/api/orders/" + n,
                          n % 2 == 0 ? null : "{\"n\":" + n + "}",
                          "X-Test-Client",
                          "one")
                      .status();
                }));
      }
      go.countDown();
      for (Future<Integer> reply : replies) {
        statuses.add(reply.get(60, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(statuses).containsOnly(200, 429);
    assertThat(statuses.stream().filter(s -> s == 429).count()).isEqualTo(190);
    assertThat(backend.byClient.get("one")).hasValue(10);
    assertThat(redis.command("GET rl:{shop/public-api|127.0.0.1}:per-minute:fw:60"))
        .isEqualTo("10");
  }
}
