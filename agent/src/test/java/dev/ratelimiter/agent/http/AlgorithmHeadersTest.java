package dev.ratelimiter.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestHttp;
import dev.ratelimiter.agent.TestHttp.Reply;
import dev.ratelimiter.agent.TestSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What a client is told under each algorithm. Windows of an hour, so the few milliseconds the test
 * takes cannot change a whole second in any header.
 */
@DisplayName("Headers and metrics under SlidingWindow and TokenBucket")
class AlgorithmHeadersTest {

  private RunningAgent agent;
  private final TestHttp http = new TestHttp("127.0.0.1");

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
    http.close();
  }

  @Test
  @DisplayName(
      "TokenBucket: remaining is the tokens left of the burst, reset the time until the bucket is full, Retry-After until the next token")
  void tokenBucket() {
    agent =
        RunningAgent.start(
            TestSettings.local(null, null, null),
            "limits: [{name: bucket, requests: 1, window: 1h, algorithm: TokenBucket, burst: 3}]");
    for (int left = 2; left >= 0; left--) {
      Reply ok = http.get(agent.http(), "/api");
      assertThat(ok.status()).isEqualTo(200);
      assertThat(ok.header("RateLimit-Policy")).isEqualTo("\"bucket\";q=1;w=3600");
      assertThat(ok.header("X-RateLimit-Limit")).as("the burst").isEqualTo("3");
      assertThat(ok.header("X-RateLimit-Remaining")).isEqualTo(Integer.toString(left));
      // one token an hour: full again after an hour per token spent
      assertThat(ok.header("RateLimit"))
          .isEqualTo("\"bucket\";r=" + left + ";t=" + 3600 * (3 - left));
      assertThat(ok.header("X-RateLimit-Reset")).isEqualTo(Integer.toString(3600 * (3 - left)));
    }
    Reply refused = http.get(agent.http(), "/api");
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.header("Retry-After")).as("the next token").isEqualTo("3600");
    assertThat(refused.header("X-RateLimit-Remaining")).isEqualTo("0");
    assertThat(http.get(agent.management(), "/metrics").body())
        .contains("ratelimiter_requests_total{outcome=\"allowed\",source=\"api\"} 3.0")
        .contains("ratelimiter_requests_total{outcome=\"rejected\",source=\"api\"} 1.0");
  }

  @Test
  @DisplayName(
      "SlidingWindow: remaining counts the last window, Retry-After is when the oldest counted request leaves it")
  void slidingWindow() {
    agent =
        RunningAgent.start(
            TestSettings.local(null, null, null),
            "limits: [{name: sliding, requests: 2, window: 1h, algorithm: SlidingWindow}, {name: fixed, requests: 100, window: 1m}]");
    Reply first = http.get(agent.http(), "/api");
    assertThat(first.header("RateLimit")).isEqualTo("\"sliding\";r=1;t=3600, \"fixed\";r=99;t=60");
    assertThat(first.header("X-RateLimit-Limit")).isEqualTo("2");
    assertThat(http.get(agent.http(), "/api").header("X-RateLimit-Remaining")).isEqualTo("0");
    Reply refused = http.get(agent.http(), "/api");
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.header("Retry-After")).isEqualTo("3600");
    assertThat(refused.header("RateLimit"))
        .as("a refusal consumes nothing")
        .isEqualTo("\"sliding\";r=0;t=3600, \"fixed\";r=98;t=60");
    Reply cached = http.get(agent.http(), "/api");
    assertThat(cached.status()).isEqualTo(429);
    assertThat(cached.header("Retry-After")).isEqualTo("3600");
    assertThat(http.get(agent.management(), "/metrics").body())
        .contains("ratelimiter_requests_total{outcome=\"rejected_cached\",source=\"api\"} 1.0");
  }
}
