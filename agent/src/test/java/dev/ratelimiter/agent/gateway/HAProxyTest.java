package dev.ratelimiter.agent.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestBackend;
import dev.ratelimiter.agent.TestHttp;
import dev.ratelimiter.agent.TestHttp.Reply;
import dev.ratelimiter.agent.TestSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A real HAProxy in front of the agent in proxy mode, in front of a real backend: the recipe
 * docs/gateways.md shows.
 */
@DisplayName("HAProxy in front of the agent's proxy mode")
class HAProxyTest {

  static final Path RECIPE = Path.of("..", "deploy", "examples", "gateways", "haproxy.cfg");

  static String config(int agent) throws IOException {
    String recipe = Files.readString(RECIPE);
    for (String address : List.of("127.0.0.1:8000", "127.0.0.1:8080")) {
      assertThat(recipe).as("the recipe's addresses").contains(address);
    }
    return recipe
        .replace("127.0.0.1:8000", "127.0.0.1:PORT")
        .replace("127.0.0.1:8080", "127.0.0.1:" + agent);
  }

  private RunningAgent agent;
  private TestBackend backend;
  private GatewayProcess haproxy;

  @BeforeEach
  void start() throws Exception {
    backend = TestBackend.start();
    agent =
        RunningAgent.start(
            TestSettings.local(null, null, null)
                .withBackend("http://127.0.0.1:" + backend.port(), 5000),
            """
                policy: shop/public-api
                limits: [{name: per-minute, requests: 10, window: 1m}]
                clientKey: {trustedProxies: [127.0.0.1/32]}
                """);
    haproxy = GatewayProcess.haproxy(config(agent.http()));
  }

  @AfterEach
  void stop() {
    if (haproxy != null) {
      haproxy.close();
    }
    if (agent != null) {
      agent.close();
    }
    if (backend != null) {
      backend.close();
    }
  }

  @Test
  @DisplayName("docs/gateways.md shows the recipe this test runs, line for line")
  void docsShowTheRecipe() throws IOException {
    String recipe = Files.readString(RECIPE);
    String config = recipe.substring(recipe.indexOf("global"));
    assertThat(Files.readString(Path.of("..", "docs", "gateways.md"))).contains(config.strip());
  }

  @Test
  @DisplayName(
      "One client, forging X-Forwarded-For on every request, sends 15: exactly 10 reach the backend, 5 get 429; another client is apart")
  void fifteenRequests() {
    TestHttp client = new TestHttp("127.0.0.3");
    List<Reply> replies = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      replies.add(
          client.get(haproxy.port, "/api/items/" + i, "X-Forwarded-For", "198.51.100." + i));
    }
    assertThat(replies)
        .extracting(Reply::status)
        .as(haproxy.log())
        .containsExactly(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 429, 429, 429, 429, 429);
    assertThat(backend.requests.get()).isEqualTo(10);
    assertThat(replies.get(0).header("RateLimit-Policy")).isEqualTo("\"per-minute\";q=10;w=60");
    assertThat(Long.parseLong(replies.get(14).header("Retry-After"))).isBetween(1L, 60L);
    assertThat(new TestHttp("127.0.0.4").get(haproxy.port, "/api/items/1").status()).isEqualTo(200);
    assertThat(backend.requests.get()).isEqualTo(11);
  }
}
