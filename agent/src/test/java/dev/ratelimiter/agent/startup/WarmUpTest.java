package dev.ratelimiter.agent.startup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestBackend;
import dev.ratelimiter.agent.TestHttp;
import dev.ratelimiter.agent.TestSettings;
import dev.ratelimiter.testsupport.net.Ports;
import dev.ratelimiter.testsupport.redis.RedisServerProcess;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Before it reports ready the agent runs its own request path — {@code /api} or the proxy, {@code
 * /check}, gRPC — through the real store, and that leaves no trace a user could see: no real
 * client's counter, no request to the backend, nothing in the metrics.
 */
@DisplayName("The warm-up before ready")
class WarmUpTest {

  private static final int WARM_UP_SECONDS = 3;
  private final TestHttp http = new TestHttp();

  @Test
  @DisplayName(
      "runs through the proxy, /check and gRPC with the real Redis, and touches no real counter, the backend or a metric")
  void leavesNoTrace() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start(null);
        TestBackend backend = TestBackend.start()) {
      int management = Ports.free();
      List<Integer> readiness = new CopyOnWriteArrayList<>();
      AtomicBoolean started = new AtomicBoolean();
      CompletableFuture<Void> probing =
          CompletableFuture.runAsync(
              () -> {
                while (!started.get()) {
                  try {
                    readiness.add(http.get(management, "/health/ready").status());
                  } catch (AssertionError notListening) {
                    // not yet
                  }
                }
              });
      long begin = System.nanoTime();
      try (RunningAgent agent =
          RunningAgent.start(
              TestSettings.local(redis.url(), null, null)
                  .withEventLoops(2)
                  .withPorts(0, management, 0)
                  .withBackend(backend.url(), 5000)
                  .withWarmUpSeconds(WARM_UP_SECONDS),
              "policy: shop/api\nlimits: [{name: per-minute, requests: 10, window: 1m},"
                  + " {name: login, requests: 2, window: 1m, match: {pathPrefixes: [/api/login], methods: [POST]}}]\n")) {
        started.set(true);
        probing.join();
        long millis = (System.nanoTime() - begin) / 1_000_000;

        assertThat(readiness).as("/health/ready while starting").contains(503);
        JsonObject ready = http.get(management, "/health/ready").json();
        assertThat(ready.getString("status")).isEqualTo("UP");
        JsonObject startup = ready.getJsonObject("startup");
        assertThat(startup.getString("store"))
            .startsWith("2 of 2 event loops connected")
            .contains("script loaded on 1 node");
        assertThat(startup.getString("warmUp")).matches("[1-9][0-9]* requests in .*");
        assertThat(startup.getDouble("readyAfterSeconds")).isPositive();
        assertThat(millis)
            .as("bounded by WARM_UP_SECONDS")
            .isLessThan(WARM_UP_SECONDS * 1000L + 5000);

        assertThat(backend.requests.get()).as("requests the backend saw").isZero();
        assertThat(redis.command("KEYS rl:{shop/api|*"))
            .as("real clients' counters")
            .isEqualTo("*0");
        assertThat(redis.command("INFO commandstats")).contains("cmdstat_evalsha");
        String metrics = http.get(management, "/metrics").body();
        assertThat(metrics)
            .contains("ratelimiter_requests_total{outcome=\"allowed\",source=\"api\"} 0.0")
            .contains("ratelimiter_requests_total{outcome=\"allowed\",source=\"check\"} 0.0")
            .contains("ratelimiter_requests_total{outcome=\"allowed\",source=\"grpc\"} 0.0")
            .contains("ratelimiter_store_failures_total{reason=\"timeout\"} 0.0")
            .contains("ratelimiter_startup_seconds{phase=\"warm_up\"}");

        // and the agent then counts real clients from their first request
        TestHttp.Reply first = http.get(agent.http(), "/api/items");
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("X-RateLimit-Remaining")).isEqualTo("9");
        assertThat(backend.requests.get()).isEqualTo(1);
      }
    }
  }
}
