package dev.ratelimiter.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestHttp;
import dev.ratelimiter.agent.TestHttp.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What an API client sees, over real HTTP. Run against the in-memory store and against Redis: both
 * must behave the same.
 */
abstract class AgentBehaviourContract {

  protected final List<AutoCloseable> open = new ArrayList<>();

  /** Starts a fresh agent (fresh counters) with this policy document; null = the default policy. */
  protected abstract RunningAgent startAgent(String policyYaml);

  protected RunningAgent agent(String policyYaml) {
    RunningAgent agent = startAgent(policyYaml);
    open.add(agent);
    return agent;
  }

  protected TestHttp client(String localAddress) {
    TestHttp http = new TestHttp(localAddress);
    open.add(http);
    return http;
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    open.clear();
  }

  @Test
  @DisplayName(
      "The default policy lets 10 requests a minute through and answers the 11th with 429, Retry-After and problem+json")
  void tenThenTooManyRequests() {
    RunningAgent agent = agent(null);
    TestHttp http = client(null);
    for (int i = 1; i <= 10; i++) {
      Reply ok = http.get(agent.http(), "/api");
      assertThat(ok.status()).as("request %d", i).isEqualTo(200);
      assertThat(ok.header("RateLimit-Policy")).isEqualTo("\"default\";q=10;w=60");
      assertThat(ok.header("RateLimit")).matches("\"default\";r=" + (10 - i) + ";t=(60|59)");
      assertThat(ok.header("X-RateLimit-Limit")).isEqualTo("10");
      assertThat(ok.header("X-RateLimit-Remaining")).isEqualTo(Integer.toString(10 - i));
      assertThat(Long.parseLong(ok.header("X-RateLimit-Reset"))).isBetween(1L, 60L);
      assertThat(ok.json().getString("status")).isEqualTo("ok");
    }
    Reply refused = http.get(agent.http(), "/api");
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 60L);
    assertThat(refused.header("RateLimit")).matches("\"default\";r=0;t=\\d+");
    assertThat(refused.header("X-RateLimit-Remaining")).isEqualTo("0");
    assertThat(refused.json().getInteger("status")).isEqualTo(429);
    assertThat(refused.json().getString("title")).isEqualTo("Too Many Requests");
    assertThat(refused.json().getString("detail")).contains("'default'", "10 requests per 1m");
    assertThat(refused.json().getLong("retryAfter"))
        .isEqualTo(Long.parseLong(refused.header("Retry-After")));
  }

  @Test
  @DisplayName("When the window ends the client gets a fresh quota")
  void windowResets() {
    // A 3 s window: the three requests below must fit in one window even on a busy machine.
    RunningAgent agent = agent("limits: [{name: tiny, requests: 2, window: 3s}]");
    TestHttp http = client(null);
    assertThat(http.get(agent.http(), "/api").status()).isEqualTo(200);
    assertThat(http.get(agent.http(), "/api").status()).isEqualTo(200);
    Reply refused = http.get(agent.http(), "/api");
    assertThat(refused.status()).isEqualTo(429);
    long retryAfter = Long.parseLong(refused.header("Retry-After"));
    assertThat(retryAfter).isBetween(1L, 3L);
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> http.get(agent.http(), "/api").status() == 200);
    Reply next = http.get(agent.http(), "/api");
    assertThat(next.status()).isEqualTo(200);
    assertThat(next.header("X-RateLimit-Remaining")).isEqualTo("0");
  }

  @Test
  @DisplayName("All limits apply, the strictest answers, and refused requests spend no quota")
  void strictestWinsAndRefusalsAreFree() {
    // A 3 s burst window: the seven requests below must fit in one window even on a busy machine.
    RunningAgent agent =
        agent(
            "limits: [{name: burst, requests: 2, window: 3s}, {name: hourly, requests: 3, window: 1h}]");
    TestHttp http = client(null);
    Reply first = http.get(agent.http(), "/api");
    assertThat(first.header("RateLimit-Policy"))
        .isEqualTo("\"burst\";q=2;w=3, \"hourly\";q=3;w=3600");
    assertThat(first.header("RateLimit"))
        .matches("\"burst\";r=1;t=(3|2), \"hourly\";r=2;t=(3600|3599)");
    assertThat(first.header("X-RateLimit-Limit")).isEqualTo("2");
    assertThat(http.get(agent.http(), "/api").status()).isEqualTo(200);
    for (int i = 0; i < 5; i++) {
      Reply refused = http.get(agent.http(), "/api");
      assertThat(refused.status()).isEqualTo(429);
      assertThat(refused.json().getString("limit")).isEqualTo("burst");
    }
    // Had the five refusals spent hourly quota, hourly (3) would refuse now; it has one left.
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> http.get(agent.http(), "/api").status() == 200);
    Reply hourlyUsedUp = http.get(agent.http(), "/api");
    assertThat(hourlyUsedUp.status()).isEqualTo(429);
    assertThat(hourlyUsedUp.json().getString("limit")).isEqualTo("hourly");
    assertThat(Long.parseLong(hourlyUsedUp.header("Retry-After"))).isGreaterThan(3500);
  }

  @Test
  @DisplayName(
      "X-Forwarded-For from an untrusted peer is ignored, and honoured from a trusted proxy")
  void forwardedHeadersOnlyFromTrustedProxies() {
    RunningAgent agent =
        agent(
            """
                limits: [{name: one, requests: 1, window: 1m}]
                clientKey: {trustedProxies: [127.0.0.2/32]}
                """);
    TestHttp direct = client("127.0.0.1");
    assertThat(direct.get(agent.http(), "/api", "X-Forwarded-For", "198.51.100.1").status())
        .isEqualTo(200);
    Reply spoofed = direct.get(agent.http(), "/api", "X-Forwarded-For", "198.51.100.2");
    assertThat(spoofed.status()).as("a new spoofed address buys no new quota").isEqualTo(429);

    TestHttp proxy = client("127.0.0.2");
    Reply viaProxy = proxy.get(agent.http(), "/api", "X-Forwarded-For", "198.51.100.1");
    assertThat(viaProxy.status()).isEqualTo(200);
    assertThat(viaProxy.json().getString("client")).isEqualTo("198.51.100.1");
    assertThat(proxy.get(agent.http(), "/api", "X-Forwarded-For", "198.51.100.1").status())
        .isEqualTo(429);
    Reply malformed = proxy.get(agent.http(), "/api", "X-Forwarded-For", "not an address");
    assertThat(malformed.status())
        .as("a malformed header counts against the proxy itself")
        .isEqualTo(200);
    assertThat(malformed.json().getString("client")).isEqualTo("127.0.0.2");
    assertThat(proxy.get(agent.http(), "/api", "X-Forwarded-For", "also not an address").status())
        .as("and keeps counting there: no fresh key per request")
        .isEqualTo(429);
  }

  @Test
  @DisplayName(
      "Spoof: behind a trusted proxy that appends X-Forwarded-For, a client's own Forwarded header buys no new key")
  void spoofedForwardedHeaderIgnored() {
    RunningAgent agent =
        agent(
            """
                limits: [{name: two, requests: 2, window: 1m}]
                clientKey: {trustedProxies: [127.0.0.2/32]}
                """);
    TestHttp nginx = client("127.0.0.2");
    java.util.Set<String> keys = new java.util.HashSet<>();
    int allowed = 0;
    for (int i = 0; i < 10; i++) {
      // What nginx forwards: the client's Forwarded passed through, its own X-Forwarded-For entry
      // appended.
      Reply reply =
          nginx.get(
              agent.http(),
              "/api",
              "Forwarded",
              "for=198.51.100." + (i + 1),
              "X-Forwarded-For",
              "203.0.113.50");
      if (reply.status() == 200) {
        allowed++;
        keys.add(reply.json().getString("client"));
      } else {
        assertThat(reply.status()).isEqualTo(429);
      }
    }
    assertThat(allowed).as("ten spoofed Forwarded values, one quota of 2").isEqualTo(2);
    assertThat(keys).containsExactly("203.0.113.50");
  }

  @Test
  @DisplayName(
      "Spoof: X-Forwarded-For entries the client wrote left of its proxy's entry cannot change the key")
  void spoofedLeftEntriesIgnored() {
    RunningAgent agent =
        agent(
            """
                limits: [{name: two, requests: 2, window: 1m}]
                clientKey: {trustedProxies: [127.0.0.2/32]}
                """);
    TestHttp nginx = client("127.0.0.2");
    int allowed = 0;
    for (int i = 0; i < 10; i++) {
      Reply reply =
          nginx.get(
              agent.http(), "/api", "X-Forwarded-For", "198.51.100." + (i + 1) + ", 203.0.113.50");
      allowed += reply.status() == 200 ? 1 : 0;
    }
    assertThat(allowed).isEqualTo(2);
  }

  @Test
  @DisplayName(
      "With forwardedHeader: Forwarded, only Forwarded is believed and X-Forwarded-For is ignored")
  void forwardedWhenConfigured() {
    RunningAgent agent =
        agent(
            """
                limits: [{name: one, requests: 1, window: 1m}]
                clientKey: {trustedProxies: [127.0.0.2/32], forwardedHeader: Forwarded}
                """);
    TestHttp proxy = client("127.0.0.2");
    Reply first =
        proxy.get(
            agent.http(),
            "/api",
            "Forwarded",
            "for=203.0.113.60",
            "X-Forwarded-For",
            "198.51.100.1");
    assertThat(first.json().getString("client")).isEqualTo("203.0.113.60");
    assertThat(
            proxy
                .get(
                    agent.http(),
                    "/api",
                    "Forwarded",
                    "for=203.0.113.60",
                    "X-Forwarded-For",
                    "198.51.100.2")
                .status())
        .isEqualTo(429);
  }

  @Test
  @DisplayName(
      "Unknown paths get 404, other methods on /api 405, both as problem+json and without spending quota")
  void unknownPaths() {
    RunningAgent agent = agent("limits: [{name: one, requests: 1, window: 1m}]");
    TestHttp http = client(null);
    Reply notFound = http.get(agent.http(), "/nope");
    assertThat(notFound.status()).isEqualTo(404);
    assertThat(notFound.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(http.get(agent.http(), "/api/extra").status()).isEqualTo(404);
    Reply post = http.send("POST", agent.http(), "/api", "x");
    assertThat(post.status()).isEqualTo(405);
    assertThat(http.get(agent.http(), "/api").status()).isEqualTo(200);
  }

  @Test
  @DisplayName("An oversized request header gets 431, not a server error")
  void oversizedHeader() {
    RunningAgent agent = agent(null);
    TestHttp http = client(null);
    Reply reply = http.get(agent.http(), "/api", "X-Padding", "x".repeat(20_000));
    assertThat(reply.status()).isEqualTo(431);
    assertThat(http.get(agent.http(), "/api").status()).isEqualTo(200);
  }
}
