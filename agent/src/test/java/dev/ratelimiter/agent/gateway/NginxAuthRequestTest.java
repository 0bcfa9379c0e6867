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
 * A real nginx with {@code auth_request} to the agent's {@code /check}, in front of a real backend:
 * the configuration docs/gateways.md documents. nginx only accepts 2xx, 401 and 403 from an auth
 * request, so it asks for 403 ({@code X-RateLimit-Deny-Status}) and turns that back into a 429 with
 * the agent's {@code Retry-After} for the client.
 */
@DisplayName("nginx auth_request in front of a backend, deciding with the agent's /check")
class NginxAuthRequestTest {

  /** The recipe users copy; docs/gateways.md shows it. */
  static final Path RECIPE =
      Path.of("..", "deploy", "examples", "gateways", "nginx-auth-request.conf");

  /** The recipe as it is, but on this test's ports: nginx's, the backend's and the agent's. */
  static String server(int backend, int agent) throws IOException {
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
  private NginxProcess nginx;

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
    nginx = NginxProcess.start(server(backend.port(), agent.http()));
  }

  @AfterEach
  void stop() {
    if (nginx != null) {
      nginx.close();
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
    String server = recipe.substring(recipe.indexOf("server {"));
    assertThat(Files.readString(Path.of("..", "docs", "gateways.md"))).contains(server.strip());
  }

  @Test
  @DisplayName(
      "One client sends 15 requests: exactly 10 reach the backend, the other 5 get 429 with Retry-After")
  void fifteenRequests() {
    TestHttp client = new TestHttp("127.0.0.3");
    List<Reply> replies = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      replies.add(client.get(nginx.port, "/shop/items/" + i + "?page=1"));
    }
    assertThat(replies)
        .extracting(Reply::status)
        .as(nginx.log())
        .containsExactly(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 429, 429, 429, 429, 429);
    assertThat(backend.requests.get()).isEqualTo(10);
    for (Reply allowed : replies.subList(0, 10)) {
      assertThat(allowed.header("RateLimit-Policy")).isEqualTo("\"per-minute\";q=10;w=60");
    }
    assertThat(replies.get(9).header("X-RateLimit-Remaining")).isEqualTo("0");
    for (Reply refused : replies.subList(10, 15)) {
      assertThat(refused.header("Retry-After")).as("Retry-After of a refusal").isNotNull();
      assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 60L);
      assertThat(refused.header("RateLimit")).startsWith("\"per-minute\";r=0;t=");
      assertThat(refused.json().getInteger("status")).isEqualTo(429);
    }
    // The agent counted the client nginx saw, not nginx: another client still gets through.
    assertThat(new TestHttp("127.0.0.4").get(nginx.port, "/shop/items/1").status()).isEqualTo(200);
    assertThat(backend.requests.get()).isEqualTo(11);
  }

  @Test
  @DisplayName(
      "A client's own route headers and path spellings change nothing through nginx: a per-route limit holds")
  void routeHeadersAndSpellings() {
    TestHttp client = new TestHttp("127.0.0.5");
    assertThat(client.get(nginx.port, "/shop/login").status()).isEqualTo(200);
    assertThat(client.get(nginx.port, "/shop/login").status()).isEqualTo(200);
    int before = backend.requests.get();
    assertThat(
            client
                .get(
                    nginx.port, "/shop/login", "X-Forwarded-Uri", "/x", "X-Forwarded-Method", "GET")
                .status())
        .isEqualTo(429);
    for (String path :
        List.of("/shop//login", "/shop/%6cogin", "/shop/x/../login", "/shop/./login")) {
      assertThat(client.get(nginx.port, path).status()).as(path).isEqualTo(429);
    }
    assertThat(backend.requests.get()).as("requests that reached the backend").isEqualTo(before);
  }
}
