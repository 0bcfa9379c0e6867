package dev.ratelimiter.agent.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestHttp;
import dev.ratelimiter.agent.TestHttp.Reply;
import dev.ratelimiter.agent.TestSettings;
import dev.ratelimiter.testsupport.redis.RedisServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("failurePolicy Local: three agents on one Redis")
class LocalFailurePolicyTest {

  private static final int AGENTS = 3;
  private static final int REQUESTS = 10;

  /** ceil(10 / 3) */
  private static final int SHARE = 4;

  private RedisServerProcess redis;
  private final List<RunningAgent> agents = new ArrayList<>();
  private final TestHttp http = new TestHttp();

  @BeforeEach
  void start() {
    redis = RedisServerProcess.start(null);
    for (int i = 0; i < AGENTS; i++) {
      agents.add(
          RunningAgent.start(
              TestSettings.local(redis.url(), null, null),
              "policy: shop/api\nagents: "
                  + AGENTS
                  + "\nfailurePolicy: Local\nlimits: [{name: few, requests: "
                  + REQUESTS
                  + ", window: 1m}]"));
    }
  }

  @AfterEach
  void stop() {
    agents.forEach(RunningAgent::close);
    redis.close();
  }

  /** One request to agent {@code i % 3}: one client spread over the agents. */
  private Reply request(int i) {
    return http.get(agents.get(i % AGENTS).http(), "/api");
  }

  @Test
  @DisplayName(
      "while Redis is away one client gets at most agents x ceil(requests/agents) plus what it had before; Redis back: shared counting again")
  void eachAgentEnforcesItsShare() throws Exception {
    int before = 2;
    for (int i = 0; i < before; i++) {
      assertThat(request(i).header("X-RateLimit-Limit")).isEqualTo(Integer.toString(REQUESTS));
    }
    redis.stop();

    int allowed = 0;
    for (int i = 0; i < 60; i++) {
      Reply reply = request(i);
      if (reply.status() == 200) {
        allowed++;
        assertThat(reply.header("RateLimit-Policy"))
            .as("the agent's share, not the whole limit")
            .isEqualTo("\"few\";q=" + SHARE + ";w=60");
      } else {
        assertThat(reply.status()).isEqualTo(429);
        assertThat(reply.header("Retry-After")).isNotNull();
      }
    }
    assertThat(allowed).as("each agent allows exactly its share").isEqualTo(AGENTS * SHARE);
    assertThat(before + allowed)
        .as("the bound docs/policy.md states")
        .isLessThanOrEqualTo(before + AGENTS * (REQUESTS + AGENTS - 1) / AGENTS);
    assertThat(http.get(agents.get(0).management(), "/health/ready").status())
        .as("still serving")
        .isEqualTo(200);
    assertThat(http.get(agents.get(0).management(), "/metrics").body())
        .contains(
            "ratelimiter_requests_total{outcome=\"local_allowed\",source=\"api\"} " + SHARE + ".0")
        .contains(
            "ratelimiter_limit_decisions_total{limit=\"few\",outcome=\"local_rejected\"} 16.0");

    redis.start(); // empty: a fresh window
    for (RunningAgent agent : agents) {
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () ->
                  Integer.toString(REQUESTS)
                      .equals(http.get(agent.http(), "/api").header("X-RateLimit-Limit")));
    }
    long used = Long.parseLong(redis.command("GET rl:{shop/api|127.0.0.1}:few:fw:60"));
    for (long i = used; i < REQUESTS; i++) {
      assertThat(request((int) i).status()).as("shared quota left").isEqualTo(200);
    }
    for (int i = 0; i < AGENTS; i++) {
      assertThat(request(i).status())
          .as("the shared limit is used up on every agent")
          .isEqualTo(429);
    }
    assertThat(redis.command("GET rl:{shop/api|127.0.0.1}:few:fw:60"))
        .isEqualTo(Integer.toString(REQUESTS));
  }
}
