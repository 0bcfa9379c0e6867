package dev.ratelimiter.agent.features;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.testsupport.redis.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Request features with the Redis store")
class RedisRequestFeaturesTest extends RequestFeaturesContract {

  private static RedisServerProcess redis;

  @BeforeAll
  static void startRedis() {
    redis = RedisServerProcess.start(null);
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @BeforeEach
  void freshCounters() throws Exception {
    redis.flushAll();
  }

  @Override
  protected String redisUrl() {
    return redis.url();
  }

  @Test
  @DisplayName("an API key never reaches Redis: the counter key holds a 128-bit hash of it")
  void keysHoldAHash() throws Exception {
    RunningAgent agent =
        agent(
            "policy: shop/api\nlimits: [{name: per-key, requests: 5, window: 1m}]\nclientKey: {source: Header, header: X-Api-Key}");
    assertThat(http.get(agent.http(), "/api", "X-Api-Key", "sk-live-secret").status())
        .isEqualTo(200);
    byte[] sha =
        java.security.MessageDigest.getInstance("SHA-256")
            .digest("sk-live-secret".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    String hash =
        java.util.Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(java.util.Arrays.copyOf(sha, 16));
    assertThat(redis.command("GET rl:{shop/api|key:" + hash + "}:per-key:fw:60")).isEqualTo("1");
    assertThat(redis.command("DBSIZE")).as("that one counter, and no other").contains("1");
  }
}
