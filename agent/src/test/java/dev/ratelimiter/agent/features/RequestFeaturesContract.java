package dev.ratelimiter.agent.features;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestBackend;
import dev.ratelimiter.agent.TestHttp;
import dev.ratelimiter.agent.TestHttp.Reply;
import dev.ratelimiter.agent.TestSettings;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The request features of a policy over real HTTP: header client keys, per-route limits,
 * exemptions, Shadow mode and the per-limit metrics. Run against the in-memory store and Redis.
 */
abstract class RequestFeaturesContract {

  static final String TOKEN = "test-admin-token";
  protected final List<AutoCloseable> open = new ArrayList<>();
  protected final TestHttp http = new TestHttp();

  /** The store's URL: null for in-memory. Each agent starts with fresh counters. */
  protected abstract String redisUrl();

  protected TestSettings settings() {
    return TestSettings.local(redisUrl(), null, TOKEN);
  }

  protected RunningAgent agent(String policyYaml) {
    return agent(settings(), policyYaml);
  }

  protected RunningAgent agent(TestSettings settings, String policyYaml) {
    RunningAgent agent = RunningAgent.start(settings, policyYaml);
    open.add(agent);
    return agent;
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    open.clear();
  }

  protected String metrics(RunningAgent agent) {
    return http.get(agent.management(), "/metrics").body();
  }

  @Test
  @DisplayName(
      "clientKey.source Header: each API key has its own quota; without the header the client is counted by address")
  void apiKeysAreClients() {
    RunningAgent agent =
        agent(
            "limits: [{name: per-key, requests: 2, window: 1m}]\nclientKey: {source: Header, header: X-Api-Key}");
    for (int i = 0; i < 2; i++) {
      assertThat(http.get(agent.http(), "/api", "X-Api-Key", "key-a").status()).isEqualTo(200);
    }
    Reply refused = http.get(agent.http(), "/api", "X-Api-Key", "key-a");
    assertThat(refused.status()).isEqualTo(429);
    assertThat(http.get(agent.http(), "/api", "x-api-key", "key-b").status())
        .as("another key, another client")
        .isEqualTo(200);
    Reply byAddress = http.get(agent.http(), "/api");
    assertThat(byAddress.status()).as("no key: counted by address").isEqualTo(200);
    assertThat(byAddress.json().getString("client")).isEqualTo("127.0.0.1");
    Reply keyed = http.get(agent.http(), "/api", "X-Api-Key", "key-c");
    assertThat(keyed.json().getString("client"))
        .as("a hash, never the key")
        .startsWith("key:")
        .doesNotContain("key-c")
        .hasSize(26);
  }

  @Test
  @DisplayName(
      "clientKey.missing Reject: 401 problem+json naming the header on /api, /check and the proxy; nothing counted")
  void missingHeaderIsRefused() {
    String policy =
        "limits: [{name: per-key, requests: 1, window: 1m}]\nclientKey: {source: Header, header: X-Api-Key, missing: Reject}";
    RunningAgent agent = agent(policy);
    for (String path : List.of("/api", "/check/anything")) {
      Reply reply = http.get(agent.http(), path);
      assertThat(reply.status()).as(path).isEqualTo(401);
      assertThat(reply.header("Content-Type")).isEqualTo("application/problem+json");
      assertThat(reply.json().getString("header")).isEqualTo("X-Api-Key");
      assertThat(reply.json().getString("detail")).contains("X-Api-Key");
    }
    assertThat(http.get(agent.http(), "/api", "X-Api-Key", "k").status()).isEqualTo(200);
    try (TestBackend backend = TestBackend.start()) {
      RunningAgent proxy =
          agent(settings().withBackend("http://127.0.0.1:" + backend.port(), 5000), policy);
      assertThat(http.get(proxy.http(), "/api/orders").status()).isEqualTo(401);
      assertThat(backend.requests.get()).as("never reaches the backend").isZero();
      assertThat(http.get(proxy.http(), "/api/orders", "X-Api-Key", "another-key").status())
          .isEqualTo(200);
      assertThat(backend.requests.get()).isEqualTo(1);
    }
  }

  @Test
  @DisplayName(
      "per-route limits: a request counts against and is refused by only the limits that match it, and its headers list only those")
  void perRouteLimits() {
    RunningAgent agent =
        agent(
            """
                limits:
                  - {name: login, requests: 1, window: 1m, match: {pathPrefixes: [/login], methods: [POST]}}
                  - {name: all, requests: 3, window: 1m}
                clientKey: {trustedProxies: [127.0.0.1/32]}   # the gateway, whose route headers count
                """);
    Reply login =
        http.get(
            agent.http(),
            "/check",
            "X-Forwarded-Method",
            "POST",
            "X-Forwarded-Uri",
            "/login?next=/");
    assertThat(login.status()).isEqualTo(200);
    assertThat(login.header("RateLimit-Policy")).isEqualTo("\"login\";q=1;w=60, \"all\";q=3;w=60");
    Reply again =
        http.get(agent.http(), "/check", "X-Forwarded-Method", "POST", "X-Forwarded-Uri", "/login");
    assertThat(again.status()).isEqualTo(429);
    assertThat(again.json().getString("limit")).isEqualTo("login");
    Reply other =
        http.get(agent.http(), "/check", "X-Forwarded-Method", "GET", "X-Forwarded-Uri", "/login");
    assertThat(other.status()).as("GET /login: only 'all' applies").isEqualTo(200);
    assertThat(other.header("RateLimit-Policy")).isEqualTo("\"all\";q=3;w=60");
    assertThat(other.header("RateLimit")).startsWith("\"all\";r=1;");
    assertThat(
            http.get(agent.http(), "/check/cart", "X-Forwarded-Method", "GET")
                .header("X-RateLimit-Remaining"))
        .isEqualTo("0");
    assertThat(http.get(agent.http(), "/check/cart", "X-Forwarded-Method", "GET").status())
        .isEqualTo(429);
    assertThat(metrics(agent))
        .contains("ratelimiter_limit_decisions_total{limit=\"login\",outcome=\"allowed\"} 1.0")
        .contains("ratelimiter_limit_decisions_total{limit=\"login\",outcome=\"rejected\"} 1.0")
        .contains("ratelimiter_limit_decisions_total{limit=\"all\",outcome=\"allowed\"} 3.0")
        .contains("ratelimiter_limit_decisions_total{limit=\"all\",outcome=\"rejected\"} 1.0");
  }

  @Test
  @DisplayName(
      "per-route limits: a request no limit matches is allowed, uncounted and without headers; with a backend on /api/**")
  void unmatchedRequestsPassUncounted() {
    try (TestBackend backend = TestBackend.start()) {
      RunningAgent agent =
          agent(
              settings().withBackend("http://127.0.0.1:" + backend.port(), 5000),
              "limits: [{name: writes, requests: 1, window: 1m, match: {pathPrefixes: [/api/orders], methods: [POST, PUT]}}]");
      for (int i = 0; i < 3; i++) {
        Reply read = http.get(agent.http(), "/api/orders");
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.header("RateLimit-Policy")).isNull();
        assertThat(read.header("X-RateLimit-Limit")).isNull();
      }
      Reply write =
          http.send(
              "POST", agent.http(), "/api/orders/7", "{}", "Content-Type", "application/json");
      assertThat(write.status()).isEqualTo(200);
      assertThat(write.header("RateLimit-Policy")).isEqualTo("\"writes\";q=1;w=60");
      assertThat(http.send("PUT", agent.http(), "/api/orders/7", "{}").status()).isEqualTo(429);
      assertThat(backend.requests.get()).isEqualTo(4);
      assertThat(metrics(agent))
          .contains("ratelimiter_requests_total{outcome=\"unmatched\",source=\"api\"} 3.0");
    }
  }

  @Test
  @DisplayName(
      "exempt: a client address in the list is never counted nor refused and gets no rate-limit headers; metrics say exempt")
  void exemptClients() {
    RunningAgent agent =
        agent("limits: [{name: a, requests: 1, window: 1m}]\nexempt: [127.0.0.0/30]");
    for (int i = 0; i < 3; i++) {
      Reply reply = http.get(agent.http(), "/api");
      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.header("RateLimit-Policy")).isNull();
      assertThat(reply.header("X-RateLimit-Remaining")).isNull();
    }
    assertThat(http.get(agent.http(), "/check").status()).isEqualTo(200);
    try (TestHttp outside = new TestHttp("127.0.0.5")) {
      assertThat(outside.get(agent.http(), "/api").status()).isEqualTo(200);
      assertThat(outside.get(agent.http(), "/api").status())
          .as("not exempt: limited")
          .isEqualTo(429);
    }
    assertThat(metrics(agent))
        .contains("ratelimiter_requests_total{outcome=\"exempt\",source=\"api\"} 3.0")
        .contains("ratelimiter_requests_total{outcome=\"exempt\",source=\"check\"} 1.0");
  }

  @Test
  @DisplayName(
      "mode Shadow: counts as Enforce would but lets would-be refusals through with the usual headers, counted as shadow_rejected")
  void shadowNeverRefuses() {
    RunningAgent agent = agent("limits: [{name: trial, requests: 2, window: 1m}]\nmode: Shadow");
    for (int i = 1; i <= 5; i++) {
      Reply reply = http.get(agent.http(), "/api");
      assertThat(reply.status()).as("request %d", i).isEqualTo(200);
      assertThat(reply.header("RateLimit-Policy")).isEqualTo("\"trial\";q=2;w=60");
      assertThat(reply.header("X-RateLimit-Remaining"))
          .isEqualTo(Integer.toString(Math.max(0, 2 - i)));
      assertThat(reply.header("Retry-After")).isNull();
    }
    assertThat(http.get(agent.http(), "/check").status()).isEqualTo(200);
    assertThat(metrics(agent))
        .contains("ratelimiter_requests_total{outcome=\"shadow_rejected\",source=\"api\"} 3.0")
        .contains("ratelimiter_requests_total{outcome=\"shadow_rejected\",source=\"check\"} 1.0")
        .contains(
            "ratelimiter_limit_decisions_total{limit=\"trial\",outcome=\"shadow_rejected\"} 4.0")
        .contains("ratelimiter_limit_decisions_total{limit=\"trial\",outcome=\"allowed\"} 2.0");
  }

  @Test
  @DisplayName(
      "per-limit metrics follow the policy in force: a limit that no longer exists loses its series")
  void perLimitMetricsFollowThePolicy() {
    RunningAgent agent = agent("generation: 1\nlimits: [{name: old, requests: 5, window: 1m}]");
    http.get(agent.http(), "/api");
    assertThat(metrics(agent))
        .contains("ratelimiter_limit_decisions_total{limit=\"old\",outcome=\"allowed\"} 1.0");
    Reply swapped =
        http.put(
            agent.management(),
            "/admin/policy",
            "generation: 2\nlimits: [{name: new, requests: 5, window: 1m}]",
            "Authorization",
            "Bearer " + TOKEN,
            "Content-Type",
            "application/yaml");
    assertThat(swapped.status()).isEqualTo(200);
    http.get(agent.http(), "/api");
    assertThat(metrics(agent))
        .doesNotContain("limit=\"old\"")
        .contains("ratelimiter_limit_decisions_total{limit=\"new\",outcome=\"allowed\"} 1.0");
  }
}
