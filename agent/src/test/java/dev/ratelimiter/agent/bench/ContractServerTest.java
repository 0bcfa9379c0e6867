package dev.ratelimiter.agent.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestHttp;
import dev.ratelimiter.agent.TestSettings;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code bench/run.sh} reads the agent's cost against {@link ContractServer} as "the agent's own
 * work": that holds only while the baseline answers what the agent answers under the benchmark's
 * policy. Numbers (remaining, seconds) may differ; names, statuses and shapes may not.
 */
@DisplayName("bench: the contract baseline answers what the agent answers under bench/policy.yaml")
class ContractServerTest {

  static RunningAgent agent;
  static Vertx vertx;
  static int contractPort;
  static final TestHttp http = new TestHttp();

  @BeforeAll
  static void start() throws Exception {
    agent =
        RunningAgent.start(
            TestSettings.local(null, null, null),
            Files.readString(Path.of("..", "bench", "policy.yaml")));
    vertx = Vertx.vertx();
    contractPort = TestHttp.await(ContractServer.serve(vertx, 0)).actualPort();
  }

  @AfterAll
  static void stop() {
    agent.close();
    TestHttp.await(vertx.close());
    http.close();
  }

  @Test
  @DisplayName("a new client's 200: the same headers and the same body but for numbers")
  void allowed() {
    assertSameShape(
        http.get(agent.http(), "/api", "X-Forwarded-For", "100.1.2.3"),
        http.get(contractPort, "/api", "X-Forwarded-For", "100.1.2.3"));
  }

  @Test
  @DisplayName("the abuser's 429: the same headers and the same problem body but for numbers")
  void refused() {
    TestHttp.Reply fromAgent = null;
    for (int i = 0; i < 11; i++) {
      fromAgent = http.get(agent.http(), "/api", "X-Forwarded-For", "198.51.100.1");
    }
    assertThat(fromAgent.status()).isEqualTo(429);
    assertSameShape(fromAgent, http.get(contractPort, "/api", "X-Forwarded-For", "198.51.100.1"));
  }

  private static void assertSameShape(TestHttp.Reply agentReply, TestHttp.Reply contractReply) {
    assertThat(contractReply.status()).isEqualTo(agentReply.status());
    assertThat(shape(contractReply.headers())).isEqualTo(shape(agentReply.headers()));
    assertThat(withoutNumbers(contractReply.body())).isEqualTo(withoutNumbers(agentReply.body()));
  }

  /** Header names (case-folded) and their values with every number replaced. */
  private static Map<String, String> shape(Map<String, List<String>> headers) {
    Map<String, String> shape = new TreeMap<>();
    headers.forEach(
        (name, values) -> shape.put(name.toLowerCase(), withoutNumbers(values.toString())));
    return shape;
  }

  private static String withoutNumbers(String text) {
    return text.replaceAll("[0-9]+", "#");
  }
}
