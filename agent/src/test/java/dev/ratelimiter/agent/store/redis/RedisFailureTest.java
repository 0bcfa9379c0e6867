package dev.ratelimiter.agent.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestHttp;
import dev.ratelimiter.agent.TestHttp.Reply;
import dev.ratelimiter.agent.TestSettings;
import dev.ratelimiter.testsupport.net.FreezableProxy;
import dev.ratelimiter.testsupport.redis.RedisServerProcess;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("When Redis goes away")
class RedisFailureTest {

  private RedisServerProcess redis;
  private RunningAgent agent;
  private final TestHttp http = new TestHttp();

  @BeforeEach
  void startRedis() {
    redis = RedisServerProcess.start(null);
  }

  @AfterEach
  void stopAll() {
    if (agent != null) {
      agent.close();
    }
    redis.close();
  }

  /** The default Redis timeout, as users run it. */
  private static final long TIMEOUT_MILLIS = 100;

  private void startAgent(String failurePolicy) {
    startAgent(
        redis.url(),
        "limits: [{name: few, requests: 3, window: 1m}]\nfailurePolicy: " + failurePolicy);
  }

  private void startAgent(String redisUrl, String policy) {
    agent =
        RunningAgent.start(
            TestSettings.local(redisUrl, null, null).withRedisTimeoutMillis(TIMEOUT_MILLIS),
            policy);
  }

  private void expectEnforcementWithRemaining(String remaining) {
    Reply reply = http.get(agent.http(), "/api");
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header("X-RateLimit-Remaining")).isEqualTo(remaining);
  }

  @Test
  @DisplayName(
      "failurePolicy Open lets requests through, stays ready, and enforces again by itself when Redis returns")
  void openAllowsThenRecovers() {
    startAgent("Open");
    expectEnforcementWithRemaining("2");
    redis.stop();
    for (int i = 0; i < 10; i++) {
      Reply reply = http.get(agent.http(), "/api");
      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.header("RateLimit-Policy")).isEqualTo("\"few\";q=3;w=60");
      assertThat(reply.header("X-RateLimit-Remaining"))
          .as("no usage is claimed while the store is away")
          .isNull();
    }
    assertThat(http.get(agent.management(), "/health/ready").status()).isEqualTo(200);

    redis.start();
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> http.get(agent.http(), "/api").header("X-RateLimit-Remaining") != null);
    // Redis restarted empty: the request above opened a fresh window.
    expectEnforcementWithRemaining("1");
    expectEnforcementWithRemaining("0");
    assertThat(http.get(agent.http(), "/api").status()).isEqualTo(429);
  }

  @Test
  @DisplayName(
      "failurePolicy Closed answers 503 and reports not ready, and serves again when Redis returns")
  void closedRefusesThenRecovers() {
    startAgent("Closed");
    expectEnforcementWithRemaining("2");
    redis.stop();
    Reply refused = http.get(agent.http(), "/api");
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(refused.header("Retry-After")).isEqualTo("1");
    assertThat(refused.json().getString("detail")).contains("failurePolicy is Closed");
    Reply ready = http.get(agent.management(), "/health/ready");
    assertThat(ready.status()).isEqualTo(503);
    assertThat(ready.json().getBoolean("storeReachable")).isFalse();

    redis.start();
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> http.get(agent.http(), "/api").status() == 200);
    assertThat(http.get(agent.management(), "/health/ready").status()).isEqualTo(200);
  }

  @Test
  @DisplayName(
      "An agent started while Redis is down serves (failurePolicy Open) and starts counting once Redis is up")
  void startsWithoutRedis() {
    redis.stop();
    startAgent("Open");
    assertThat(http.get(agent.http(), "/api").status()).isEqualTo(200);
    Reply ready = http.get(agent.management(), "/health/ready");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().getBoolean("storeReachable")).isFalse();

    redis.start();
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                http.get(agent.management(), "/health/ready").json().getBoolean("storeReachable"));
    expectEnforcementWithRemaining("2");
  }

  @Test
  @DisplayName("A Redis that hangs is cut off by the timeout and failurePolicy Closed answers 503")
  void hungRedisClosed() {
    try (FreezableProxy hung = FreezableProxy.to(redis.port())) {
      startAgent(
          "redis://127.0.0.1:" + hung.port(),
          "limits: [{name: few, requests: 3, window: 1m}]\nfailurePolicy: Closed");
      expectEnforcementWithRemaining("2");
      hung.freeze();
      Reply refused = http.get(agent.http(), "/api");
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.json().getString("detail"))
          .contains("failurePolicy is Closed")
          .as("the public is not told where Redis is")
          .doesNotContain("127.0.0.1");
      assertThat(http.get(agent.management(), "/metrics").body())
          .contains("ratelimiter_store_failures_total{reason=\"timeout\"} 1.0");
      assertThat(hung.heldBytes()).as("the script call reached the hung Redis").isPositive();
      hung.thaw();
      // The refused call reaches Redis now, late, ahead of the next one on its connection: it
      // must count nothing, or the client would have paid for a request it was refused.
      Reply[] next = new Reply[1];
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> (next[0] = http.get(agent.http(), "/api")).status() == 200);
      assertThat(next[0].header("X-RateLimit-Remaining"))
          .as("the request before the hang and this one counted, not the refused one")
          .isEqualTo("1");
    }
  }

  @Test
  @DisplayName(
      "failurePolicy Open with a Redis that hangs (not dead): allowed within about the timeout, still ready, counting again once it answers")
  void hungRedisOpen() throws Exception {
    try (FreezableProxy hung = FreezableProxy.to(redis.port())) {
      startAgent(
          "redis://127.0.0.1:" + hung.port(),
          "policy: shop/api\nlimits: [{name: many, requests: 100, window: 1m}]\nfailurePolicy: Open");
      expectEnforcementWithRemaining("99");
      hung.freeze();
      for (int i = 0; i < 3; i++) {
        long start = System.nanoTime();
        Reply reply = http.get(agent.http(), "/api");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("RateLimit-Policy")).isEqualTo("\"many\";q=100;w=60");
        assertThat(reply.header("X-RateLimit-Remaining"))
            .as("no usage is claimed while the store hangs")
            .isNull();
        assertThat(millis)
            .as("answered within about the timeout, not after the hang")
            .isLessThan(TIMEOUT_MILLIS + 3000);
      }
      assertThat(hung.heldBytes()).as("the script calls reached the hung Redis").isPositive();
      Reply ready = http.get(agent.management(), "/health/ready");
      assertThat(ready.status()).isEqualTo(200);
      assertThat(ready.json().getBoolean("storeReachable")).isFalse();
      assertThat(http.get(agent.management(), "/metrics").body())
          .contains("ratelimiter_requests_total{outcome=\"failed_open\",source=\"api\"} 3.0");

      hung.thaw();
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () ->
                  http.get(agent.management(), "/health/ready")
                      .json()
                      .getBoolean("storeReachable"));
      // The calls held while Redis hung reach it late and count nothing: they had been let through
      // uncounted already, and what Redis holds and what the agent says must agree again.
      Reply counted = http.get(agent.http(), "/api");
      assertThat(counted.status()).isEqualTo(200);
      assertThat(counted.header("X-RateLimit-Remaining")).isNotNull();
      long used = 100 - Long.parseLong(counted.header("X-RateLimit-Remaining"));
      assertThat(redis.command("GET rl:{shop/api|127.0.0.1}:many:fw:60"))
          .isEqualTo(Long.toString(used));
      assertThat(used)
          .as("the request before the hang and the one after, not the three held")
          .isEqualTo(2L);
    }
  }
}
