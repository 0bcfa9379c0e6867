package dev.ratelimiter.agent.oncall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestHttp;
import dev.ratelimiter.agent.TestSettings;
import dev.ratelimiter.testsupport.redis.RedisServerProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The admin API's clients on three agents sharing one Redis: inspect, look up, reset (heard by
 * every agent at once, their cached refusals included) and the clients refused most.
 */
@DisplayName("On call: inspect, look up and reset a client, and the clients refused most")
class ClientQuotasTest {

  private static final String TOKEN = "on-call-token";
  private static final AtomicInteger CLIENTS = new AtomicInteger();
  private static RedisServerProcess redis;
  private static final List<RunningAgent> AGENTS = new ArrayList<>();
  private final TestHttp proxy = new TestHttp("127.0.0.2");
  private final TestHttp admin = new TestHttp();
  private String client;

  @BeforeAll
  static void start() {
    redis = RedisServerProcess.start(null);
    for (int i = 0; i < 3; i++) {
      AGENTS.add(
          RunningAgent.start(
              TestSettings.local(redis.url(), null, TOKEN),
              """
              policy: shop/api
              clientKey: {trustedProxies: [127.0.0.2/32]}
              limits:
                - {name: per-minute, requests: 10, window: 1m}
                - {name: per-day, requests: 1000, window: 24h, algorithm: SlidingWindow}
              """));
    }
  }

  @AfterAll
  static void stop() {
    AGENTS.forEach(RunningAgent::close);
    redis.close();
  }

  @BeforeEach
  void freshClient() {
    client = "198.51.100." + CLIENTS.incrementAndGet();
  }

  private int api(int agent) {
    return proxy.get(AGENTS.get(agent).http(), "/api", "X-Forwarded-For", client).status();
  }

  private TestHttp.Reply adminCall(String method, int agent, String path, String body) {
    return admin.send(
        method, AGENTS.get(agent).management(), path, body, "Authorization", "Bearer " + TOKEN);
  }

  private static String encoded(String client) {
    return URLEncoder.encode(client, StandardCharsets.UTF_8);
  }

  private JsonObject limit(JsonObject report, String name) {
    for (Object l : report.getJsonArray("limits")) {
      if (((JsonObject) l).getString("name").equals(name)) {
        return (JsonObject) l;
      }
    }
    throw new AssertionError("no limit " + name + " in " + report);
  }

  @Test
  @DisplayName(
      "after 7 of 10 requests: 7 used, 3 left, back within the minute; looking twice counts nothing")
  void inspect() {
    for (int i = 0; i < 7; i++) {
      assertThat(api(i % 3)).isEqualTo(200);
    }
    for (int look = 0; look < 2; look++) {
      TestHttp.Reply reply = adminCall("GET", look, "/admin/clients/" + encoded(client), null);
      assertThat(reply.status()).isEqualTo(200);
      JsonObject report = reply.json();
      assertThat(report.getString("client")).isEqualTo(client);
      assertThat(report.getString("policy")).isEqualTo("shop/api");
      JsonObject perMinute = limit(report, "per-minute");
      assertThat(perMinute.getLong("used")).isEqualTo(7);
      assertThat(perMinute.getLong("remaining")).isEqualTo(3);
      assertThat(perMinute.getLong("resetSeconds")).isBetween(1L, 60L);
      assertThat(perMinute.getString("algorithm")).isEqualTo("FixedWindow");
      JsonObject perDay = limit(report, "per-day");
      assertThat(perDay.getLong("remaining")).isEqualTo(993);
      assertThat(perDay.getString("algorithm")).isEqualTo("SlidingWindow");
    }
    for (int i = 0; i < 3; i++) {
      assertThat(api(i)).as("the looks took nothing").isEqualTo(200);
    }
    assertThat(api(0)).isEqualTo(429);
  }

  @Test
  @DisplayName(
      "a reset on one agent gives the full quota back on all three at once, their cached refusals forgotten")
  void resetReachesEveryAgent() {
    for (int i = 0; i < 10; i++) {
      assertThat(api(0)).isEqualTo(200);
    }
    for (int agent = 0; agent < 3; agent++) {
      assertThat(api(agent)).isEqualTo(429);
      assertThat(api(agent)).as("answered from agent " + agent + "'s cache").isEqualTo(429);
    }
    TestHttp.Reply reset =
        adminCall("DELETE", 1, "/admin/clients/" + encoded(client) + "?limit=per-minute", null);
    assertThat(reset.status()).isEqualTo(200);
    assertThat(reset.json().getBoolean("reset")).isTrue();
    for (int agent = 0; agent < 3; agent++) {
      int a = agent;
      // the notice travels through Redis pub/sub: heard within moments, not at a window's end
      await().atMost(Duration.ofSeconds(1)).until(() -> api(a) == 200);
    }
    JsonObject report = adminCall("GET", 2, "/admin/clients/" + encoded(client), null).json();
    assertThat(limit(report, "per-minute").getLong("remaining")).isEqualTo(7);
    assertThat(limit(report, "per-day").getLong("used"))
        .as("only per-minute was reset")
        .isEqualTo(13);
  }

  @Test
  @DisplayName("lookup by raw address finds the canonical client; a header needs a header policy")
  void lookup() {
    assertThat(api(0)).isEqualTo(200);
    TestHttp.Reply reply =
        adminCall(
            "POST", 0, "/admin/clients/lookup", new JsonObject().put("address", client).encode());
    assertThat(reply.status()).isEqualTo(200);
    assertThat(limit(reply.json(), "per-minute").getLong("used")).isEqualTo(1);
    TestHttp.Reply header =
        adminCall("POST", 0, "/admin/clients/lookup", new JsonObject().put("header", "k").encode());
    assertThat(header.status()).isEqualTo(400);
    assertThat(header.json().getString("detail")).contains("clientKey.source Header");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "{}",
        "{\"address\": \"a\", \"header\": \"b\"}",
        "{\"address\": 7}",
        "{\"who\": \"x\"}",
        "[\"address\"]",
        "not json"
      })
  @DisplayName("a lookup body that is not one known field with a string is a 400")
  void badLookup(String body) {
    TestHttp.Reply reply = adminCall("POST", 0, "/admin/clients/lookup", body);
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.header("Content-Type")).isEqualTo("application/problem+json");
  }

  @Test
  @DisplayName("a lookup body over 16 KiB is a 413: the agent holds no more of it")
  void lookupIsBounded() {
    String big = new JsonObject().put("header", "k".repeat(17 * 1024)).encode();
    TestHttp.Reply reply = adminCall("POST", 0, "/admin/clients/lookup", big);
    assertThat(reply.status()).isEqualTo(413);
    assertThat(reply.json().getString("detail")).contains("16384");
  }

  @Test
  @DisplayName("without the admin token: 401, and nothing is reset")
  void needsTheToken() {
    for (int i = 0; i < 10; i++) {
      api(0);
    }
    TestHttp.Reply reply =
        admin.send("DELETE", AGENTS.get(0).management(), "/admin/clients/" + encoded(client), null);
    assertThat(reply.status()).isEqualTo(401);
    assertThat(api(0)).isEqualTo(429);
    assertThat(admin.get(AGENTS.get(0).management(), "/admin/clients/" + encoded(client)).status())
        .isEqualTo(401);
  }

  @Test
  @DisplayName("a reset of a limit the policy lacks is a 404 naming the limits; a bad key a 400")
  void badResets() {
    TestHttp.Reply unknown =
        adminCall("DELETE", 0, "/admin/clients/" + encoded(client) + "?limit=per-week", null);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().getString("detail")).contains("per-week").contains("per-minute");
    assertThat(adminCall("GET", 0, "/admin/clients/" + "x".repeat(300), null).status())
        .isEqualTo(400);
    assertThat(adminCall("GET", 0, "/admin/clients/a%20b", null).status()).isEqualTo(400);
  }

  @Test
  @DisplayName("the clients refused most: the abuser first, with its count; 'top' is bounded")
  void top() {
    for (int i = 0; i < 40; i++) {
      api(2);
    }
    JsonArray clients =
        adminCall("GET", 2, "/admin/clients?top=5", null).json().getJsonArray("clients");
    assertThat(clients.getJsonObject(0).getString("client")).isEqualTo(client);
    assertThat(clients.getJsonObject(0).getLong("refused")).isGreaterThanOrEqualTo(30);
    assertThat(adminCall("GET", 2, "/admin/clients?top=0", null).status()).isEqualTo(400);
    assertThat(adminCall("GET", 2, "/admin/clients?top=101", null).status()).isEqualTo(400);
  }
}
