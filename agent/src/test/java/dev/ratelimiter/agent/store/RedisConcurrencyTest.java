package dev.ratelimiter.agent.store;

import dev.ratelimiter.agent.AgentSettings;
import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestHttp;
import dev.ratelimiter.testsupport.redis.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

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

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Three agents sharing one password-protected Redis")
class RedisConcurrencyTest {

    private static RedisServerProcess redis;
    private static final List<RunningAgent> agents = new ArrayList<>();

    @BeforeAll
    static void start() {
        redis = RedisServerProcess.start("s3cret-pass");
        for (int i = 0; i < 3; i++) {
            // A generous timeout: on a loaded 2-core test machine a 100 ms timeout would let
            // failurePolicy Open admit requests, which is right in production but not what is measured here.
            agents.add(RunningAgent.start(AgentSettings.local(redis.url(), redis.password(), null).withRedisTimeoutMillis(5000), """
                    policy: shop/public-api
                    limits: [{name: per-minute, requests: 10, window: 1m}]
                    clientKey: {trustedProxies: [127.0.0.2/32]}
                    """));
        }
    }

    @AfterAll
    static void stop() {
        agents.forEach(RunningAgent::close);
        redis.close();
    }

    @BeforeEach
    void freshCounters() throws Exception {
        redis.flushAll();
    }

    /** Fires all requests at once (released together by a latch) and returns the status of each. */
    private static List<Integer> burst(int count, int threads, java.util.function.IntFunction<Integer> request) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> replies = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                replies.add(pool.submit(() -> {
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
    @DisplayName("200 concurrent requests from one client across all three agents let exactly 10 through")
    void exactlyTenOfTwoHundred() throws Exception {
        TestHttp http = new TestHttp();
        List<Integer> statuses = burst(200, 200, n -> http.get(agents.get(n % 3).http(), "/api").status());
        assertThat(statuses).containsOnly(200, 429);
        assertThat(statuses.stream().filter(s -> s == 200).count()).isEqualTo(10);
        assertThat(redis.command("GET rl:{shop/public-api|127.0.0.1}:per-minute")).isEqualTo("10");
    }

    @Test
    @DisplayName("Many clients at once each get exactly their own quota")
    void eachClientItsOwnQuota() throws Exception {
        TestHttp proxy = new TestHttp("127.0.0.2");
        Map<String, AtomicInteger> allowed = new ConcurrentHashMap<>();
        List<Integer> statuses = burst(20 * 25, 100, n -> {
            String client = "198.51.100." + (n % 20);
            int status = proxy.get(agents.get(n % 3).http(), "/api", "X-Forwarded-For", client).status();
            if (status == 200) {
                allowed.computeIfAbsent(client, k -> new AtomicInteger()).incrementAndGet();
            }
            return status;
        });
        assertThat(statuses).containsOnly(200, 429);
        assertThat(allowed).hasSize(20);
        allowed.forEach((client, count) -> assertThat(count.get()).as(client).isEqualTo(10));
        assertThat(redis.command("GET rl:{shop/public-api|198.51.100.7}:per-minute")).isEqualTo("10");
    }
}
