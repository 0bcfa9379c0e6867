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
 * A real Caddy with {@code forward_auth} to the agent's {@code /check}, in front of a real backend:
 * the recipe docs/gateways.md shows.
 */
@DisplayName("Caddy forward_auth in front of a backend, deciding with the agent's /check")
class CaddyForwardAuthTest {

  static final Path RECIPE =
      Path.of("..", "deploy", "examples", "gateways", "caddy-forward-auth.Caddyfile");

  static String caddyfile(int backend, int agent) throws IOException {
    String recipe = Files.readString(RECIPE);
    for (String address : List.of("127.0.0.1:8000", "127.0.0.1:9000", "127.0.0.1:8080")) {
      assertThat(recipe).as("the recipe's addresses").contains(address);
    }
    return recipe
        .replace("127.0.0.1:8000", "127.0.0.1:PORT")
        .replace("127.0.0.1:9000", "127.0.0.1:" + backend)
        .replace("127.0.0.1:8080", "127.0.0.1:" + agent);
  }

  private RunningAgent agent;
  private TestBackend backend;
  private GatewayProcess caddy;

  @BeforeEach
  void start() throws Exception {
    agent =
        RunningAgent.start(
            TestSettings.local(null, null, null),
            """
                policy: shop/public-api
                limits:
                  - {name: per-minute, requests: 10, window: 1m}
                  - {name: login, requests: 2, window: 1h, match: {pathPrefixes: [/shop/login]}}
                clientKey: {trustedProxies: [127.0.0.1/32]}
                """);
    backend = TestBackend.start();
    caddy = GatewayProcess.caddy(caddyfile(backend.port(), agent.http()));
  }

  @AfterEach
  void stop() {
    if (caddy != null) {
      caddy.close();
    }
    if (backend != null) {
      backend.close();
    }
    if (agent != null) {
      agent.close();
    }
  }

  @Test
  @DisplayName("docs/gateways.md shows the recipe this test runs, line for line")
  void docsShowTheRecipe() throws IOException {
    String recipe = Files.readString(RECIPE);
    String site = recipe.substring(recipe.indexOf("{\n\tadmin off"));
    assertThat(Files.readString(Path.of("..", "docs", "gateways.md"))).contains(site.strip());
  }

  @Test
  @DisplayName(
      "One client sends 15 requests: exactly 10 reach the backend with the RateLimit headers back, the other 5 get 429 with Retry-After")
  void fifteenRequests() {
    TestHttp client = new TestHttp("127.0.0.3");
    List<Reply> replies = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      replies.add(client.get(caddy.port, "/shop/items/" + i + "?page=1"));
    }
    assertThat(replies)
        .extracting(Reply::status)
        .as(caddy.log())
        .containsExactly(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 429, 429, 429, 429, 429);
    assertThat(backend.requests.get()).isEqualTo(10);
    for (Reply allowed : replies.subList(0, 10)) {
      assertThat(allowed.header("RateLimit-Policy")).isEqualTo("\"per-minute\";q=10;w=60");
    }
    assertThat(replies.get(9).header("X-RateLimit-Remaining")).isEqualTo("0");
    for (Reply refused : replies.subList(10, 15)) {
      assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 60L);
      assertThat(refused.header("RateLimit")).startsWith("\"per-minute\";r=0;t=");
    }
    // counted by the client address Caddy saw, not Caddy's: another client still gets through
    assertThat(new TestHttp("127.0.0.4").get(caddy.port, "/shop/items/1").status()).isEqualTo(200);
    assertThat(backend.requests.get()).isEqualTo(11);
  }

  @Test
  @DisplayName(
      "A client's own X-Forwarded-For, route headers and path spellings change nothing through Caddy")
  void forgedHeadersAndSpellings() {
    TestHttp client = new TestHttp("127.0.0.5");
    for (int i = 0; i < 2; i++) {
      assertThat(
              client.get(caddy.port, "/shop/login", "X-Forwarded-For", "198.51.100." + i).status())
          .isEqualTo(200);
    }
    int before = backend.requests.get();
    assertThat(
            client
                .get(
                    caddy.port,
                    "/shop/login",
                    "X-Forwarded-Uri",
                    "/x",
                    "X-Forwarded-Method",
                    "GET",
                    "X-Forwarded-For",
                    "198.51.100.9")
                .status())
        .isEqualTo(429);
    for (String path : List.of("/shop//login", "/shop/%6cogin", "/shop/./login")) {
      assertThat(client.get(caddy.port, path).status()).as(path).isEqualTo(429);
    }
    assertThat(backend.requests.get()).as("requests that reached the backend").isEqualTo(before);
  }
}
