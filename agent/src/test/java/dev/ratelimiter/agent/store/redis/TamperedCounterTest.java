package dev.ratelimiter.agent.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestHttp;
import dev.ratelimiter.agent.TestHttp.Reply;
import dev.ratelimiter.agent.TestSettings;
import dev.ratelimiter.testsupport.redis.RedisServerProcess;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Counters someone tampered with in Redis")
class TamperedCounterTest {

  private String key;

  private static RedisServerProcess redis;
  private RunningAgent agent;
  private final TestHttp http = new TestHttp("127.0.0.1");

  @BeforeAll
  static void startRedis() {
    redis = RedisServerProcess.start(null);
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @BeforeEach
  void flush() throws Exception {
    redis.flushAll();
  }

  @AfterEach
  void stopAgent() {
    if (agent != null) {
      agent.close();
    }
  }

  private void startAgent(String window, String failurePolicy) {
    key =
        LuaScript.key(
            "default",
            "127.0.0.1",
            new dev.ratelimiter.policy.Limit(
                "few",
                3,
                dev.ratelimiter.policy.WindowFormat.parseSeconds(window),
                dev.ratelimiter.policy.Algorithm.FixedWindow));
    // The default Redis timeout, as an agent in production has it.
    agent =
        RunningAgent.start(
            TestSettings.local(redis.url(), null, null),
            "limits: [{name: few, requests: 3, window: "
                + window
                + "}]\nfailurePolicy: "
                + failurePolicy);
  }

  @Test
  @DisplayName(
      "A full counter without a TTL is given a window on the refusal path, so the client is not refused forever")
  void counterWithoutTtlRepairedOnRefusal() throws Exception {
    // A 3 s window: the refusal and the PTTL read must land inside it even on a busy machine.
    startAgent("3s", "Closed");
    redis.command("SET " + key + " 3"); // no TTL
    Reply refused = http.get(agent.http(), "/api");
    assertThat(refused.status()).isEqualTo(429);
    assertThat(Long.parseLong(redis.command("PTTL " + key).substring(1)))
        .as("PTTL after the refusal")
        .isBetween(1L, 3000L);
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> http.get(agent.http(), "/api").status() == 200);
  }

  @ParameterizedTest(name = "counter = {0}")
  @ValueSource(strings = {"abc", "-100", "1.5", "0x10", "1e2", "99999999999999999999"})
  @DisplayName(
      "A counter that is not a count is a store error: failurePolicy Closed answers 503, and other clients are unaffected")
  void nonNumericIsStoreErrorClosed(String value) throws Exception {
    startAgent("1m", "Closed");
    redis.command("SET " + key + " " + value);
    for (int i = 0; i < 5; i++) {
      Reply reply = http.get(agent.http(), "/api");
      assertThat(reply.status()).as("request %d", i).isEqualTo(503);
      assertThat(reply.json().getString("detail")).contains("failurePolicy is Closed");
    }
    assertThat(redis.command("GET " + key)).as("left for the admin to look at").isEqualTo(value);
    assertThat(new TestHttp().get(agent.management(), "/metrics").body())
        .contains("ratelimiter_store_failures_total{reason=\"tampered\"} 5.0");
    assertThat(new TestHttp("127.0.0.2").get(agent.http(), "/api").status()).isEqualTo(200);
  }

  @Test
  @DisplayName(
      "With failurePolicy Open a tampered counter is served as a store failure: allowed without claiming usage, counted as failed_open")
  void nonNumericFailsOpen() throws Exception {
    startAgent("1m", "Open");
    redis.command("SET " + key + " -100");
    Reply reply = http.get(agent.http(), "/api");
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header("X-RateLimit-Remaining")).isNull();
    assertThat(http.get(agent.management(), "/metrics").body())
        .contains("ratelimiter_requests_total{outcome=\"failed_open\",source=\"api\"} 1.0");
    assertThat(redis.command("GET " + key)).as("never incremented").isEqualTo("-100");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "SlidingWindow|SET|abc",
        "SlidingWindow|RPUSH|1:x:3",
        "TokenBucket|SET|abc",
        "TokenBucket|SET|-180001:7",
        "TokenBucket|RPUSH|1:2"
      })
  @DisplayName(
      "A sliding-window log or a bucket the script did not write (wrong type, wrong entry) is a store error for that client alone")
  void tamperedAlgorithmState(String how) throws Exception {
    String[] parts = how.split("\\|");
    agent =
        RunningAgent.start(
            TestSettings.local(redis.url(), null, null),
            "limits: [{name: few, requests: 3, window: 1m, algorithm: "
                + parts[0]
                + "}]\nfailurePolicy: Closed");
    String stateKey =
        LuaScript.key(
            "default",
            "127.0.0.1",
            new dev.ratelimiter.policy.Limit(
                "few", 3, 60, dev.ratelimiter.policy.Algorithm.valueOf(parts[0])));
    redis.command(parts[1] + " " + stateKey + " " + parts[2]);
    Reply reply = http.get(agent.http(), "/api");
    assertThat(reply.status()).isEqualTo(503);
    assertThat(reply.json().getString("detail")).contains("failurePolicy is Closed");
    assertThat(new TestHttp("127.0.0.2").get(agent.http(), "/api").status()).isEqualTo(200);
  }
}
