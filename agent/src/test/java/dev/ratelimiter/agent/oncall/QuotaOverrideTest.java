package dev.ratelimiter.agent.oncall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestHttp;
import dev.ratelimiter.agent.TestSettings;
import dev.ratelimiter.testsupport.redis.RedisServerProcess;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A document's overrides (what the operator merges from RateLimitOverride resources) on three
 * agents sharing one Redis: exact for the granted client and for everyone else, and over by
 * themselves at their time.
 */
@DisplayName("An override raises one client's quota on every agent, exactly, until its time")
class QuotaOverrideTest {

  private static final String TOKEN = "override-token";
  private RedisServerProcess redis;
  private final List<RunningAgent> agents = new ArrayList<>();
  private final TestHttp proxy = new TestHttp("127.0.0.2");

  private void start(String overrides) {
    redis = RedisServerProcess.start(null);
    for (int i = 0; i < 3; i++) {
      agents.add(
          RunningAgent.start(
              TestSettings.local(redis.url(), null, TOKEN),
              """
              policy: shop/api
              clientKey: {trustedProxies: [127.0.0.2/32]}
              limits:
                - {name: per-minute, requests: 10, window: 1m}
              overrides:
              """
                  + overrides));
    }
  }

  @AfterEach
  void stop() {
    agents.forEach(RunningAgent::close);
    agents.clear();
    if (redis != null) {
      redis.close();
    }
  }

  private int api(int agent, String client) {
    return proxy.get(agents.get(agent).http(), "/api", "X-Forwarded-For", client).status();
  }

  private long allowed(String client, int requests) {
    long ok = 0;
    for (int i = 0; i < requests; i++) {
      ok += api(i % 3, client) == 200 ? 1 : 0;
    }
    return ok;
  }

  @Test
  @DisplayName(
      "the partner gets exactly 50 across three agents while others stay at 10; the agent says so on inspect")
  void raisesOneClient() {
    start(
        """
          - name: acme-launch
            clients: ["203.0.113.7"]
            limits: [{name: per-minute, requests: 50}]
            expires: "%s"
        """
            .formatted(Instant.now().plus(Duration.ofDays(3))));
    assertThat(allowed("203.0.113.7", 70)).isEqualTo(50);
    assertThat(allowed("203.0.113.8", 30)).isEqualTo(10);
    JsonObject report =
        new TestHttp()
            .get(
                agents.get(1).management(),
                "/admin/clients/203.0.113.7",
                "Authorization",
                "Bearer " + TOKEN)
            .json();
    assertThat(report.getJsonObject("override").getString("name")).isEqualTo("acme-launch");
    JsonObject perMinute = report.getJsonArray("limits").getJsonObject(0);
    assertThat(perMinute.getLong("requests")).isEqualTo(50);
    assertThat(perMinute.getLong("remaining")).isZero();
  }

  @Test
  @DisplayName(
      "at its time the override stops by itself: the client is back to 10, within a second")
  void endsOnTime() {
    Instant expires = Instant.now().plusMillis(1500);
    start(
        """
          - name: short
            clients: ["203.0.113.9"]
            limits: [{name: per-minute, requests: 1000}]
            expires: "%s"
        """
            .formatted(expires));
    assertThat(allowed("203.0.113.9", 20)).as("beyond 10 while it lasts").isEqualTo(20);
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> api(0, "203.0.113.9") == 429);
    Instant refused = Instant.now();
    assertThat(refused).as("never before its time").isAfterOrEqualTo(expires);
    assertThat(Duration.between(expires, refused)).isLessThan(Duration.ofSeconds(1));
  }
}
