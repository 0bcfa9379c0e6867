package dev.ratelimiter.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestHttp;
import dev.ratelimiter.agent.TestSettings;
import dev.ratelimiter.testsupport.net.Ports;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName(
    "A successful PUT /admin/policy answers whether the agent reaches its store (the operator's RedisReady reads it)")
class AdminPushStoreReportTest {

  private static final String TOKEN = "t0ken";
  private static final String POLICY = "policy: shop/api\ngeneration: 2\nfailurePolicy: Open\n";

  @Test
  @DisplayName("storeReachable true with a store that answers")
  void reachable() {
    try (RunningAgent agent = RunningAgent.start(TestSettings.local(null, null, TOKEN), null)) {
      JsonObject answer =
          new TestHttp()
              .put(agent.management(), "/admin/policy", POLICY, "Authorization", "Bearer " + TOKEN)
              .json();
      assertThat(answer.getBoolean("applied")).isTrue();
      assertThat(answer.getLong("generation")).isEqualTo(2L);
      assertThat(answer.getBoolean("storeReachable")).isTrue();
      assertThat(answer.containsKey("storeError")).isFalse();
    }
  }

  @Test
  @DisplayName("storeReachable false and the reason when Redis is not there")
  void unreachable() {
    int nobody = Ports.free();
    try (RunningAgent agent =
        RunningAgent.start(TestSettings.local("redis://127.0.0.1:" + nobody, null, TOKEN), null)) {
      JsonObject answer =
          new TestHttp()
              .put(agent.management(), "/admin/policy", POLICY, "Authorization", "Bearer " + TOKEN)
              .json();
      assertThat(answer.getBoolean("applied")).isTrue();
      assertThat(answer.getBoolean("storeReachable")).isFalse();
      assertThat(answer.getString("storeError")).contains("127.0.0.1:" + nobody);
    }
  }
}
