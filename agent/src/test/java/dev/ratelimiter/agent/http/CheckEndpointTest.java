package dev.ratelimiter.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestHttp;
import dev.ratelimiter.agent.TestHttp.Reply;
import dev.ratelimiter.agent.TestSettings;
import dev.ratelimiter.agent.limiter.Route;
import dev.ratelimiter.testsupport.net.Ports;
import io.vertx.core.MultiMap;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName(
    "/check: the decision for a gateway (nginx auth_request, Traefik ForwardAuth, Envoy ext_authz)")
class CheckEndpointTest {

  private static final String POLICY =
      """
            policy: shop/public-api
            limits: [{name: per-minute, requests: 3, window: 1m}]
            clientKey: {trustedProxies: [127.0.0.2/32]}
            """;

  private RunningAgent agent;
  private final TestHttp gateway = new TestHttp("127.0.0.2");

  @BeforeEach
  void start() {
    agent = RunningAgent.start(TestSettings.local(null, null, null), POLICY);
  }

  @AfterEach
  void stop() {
    agent.close();
  }

  @Test
  @DisplayName(
      "nginx auth_request: 200 with an empty body and the headers, then 429 with Retry-After and problem+json")
  void nginxConvention() {
    for (int i = 0; i < 3; i++) {
      Reply allowed =
          gateway.get(
              agent.http(),
              "/check",
              "X-Forwarded-For",
              "198.51.100.7",
              "X-Original-Method",
              "GET",
              "X-Original-URI",
              "/shop/cart?item=1");
      assertThat(allowed.status()).isEqualTo(200);
      assertThat(allowed.body()).isEmpty();
      assertThat(allowed.header("RateLimit-Policy")).isEqualTo("\"per-minute\";q=3;w=60");
      assertThat(allowed.header("X-RateLimit-Remaining")).isEqualTo(Integer.toString(2 - i));
      assertThat(allowed.header("RateLimit")).startsWith("\"per-minute\";r=" + (2 - i) + ";t=");
    }
    Reply refused = gateway.get(agent.http(), "/check", "X-Forwarded-For", "198.51.100.7");
    assertThat(refused.status()).isEqualTo(429);
    assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(50L, 60L);
    assertThat(refused.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(refused.json().getInteger("status")).isEqualTo(429);
    assertThat(refused.json().getString("limit")).isEqualTo("per-minute");
    assertThat(refused.header("X-RateLimit-Remaining")).isEqualTo("0");
    // another client behind the same gateway has its own quota
    assertThat(gateway.get(agent.http(), "/check", "X-Forwarded-For", "198.51.100.8").status())
        .isEqualTo(200);
  }

  @Test
  @DisplayName(
      "X-RateLimit-Deny-Status: 401 or 403 replaces 429 on refusal; any other value is ignored")
  void denyStatus() {
    for (int i = 0; i < 3; i++) {
      assertThat(
              gateway
                  .get(
                      agent.http(),
                      "/check",
                      "X-Forwarded-For",
                      "198.51.100.9",
                      "X-RateLimit-Deny-Status",
                      "403")
                  .status())
          .isEqualTo(200);
    }
    Reply forbidden =
        gateway.get(
            agent.http(),
            "/check",
            "X-Forwarded-For",
            "198.51.100.9",
            "X-RateLimit-Deny-Status",
            "403");
    assertThat(forbidden.status()).isEqualTo(403);
    assertThat(forbidden.header("Retry-After")).isNotNull();
    assertThat(forbidden.json().getInteger("status")).isEqualTo(403);
    assertThat(
            gateway
                .get(
                    agent.http(),
                    "/check",
                    "X-Forwarded-For",
                    "198.51.100.9",
                    "X-RateLimit-Deny-Status",
                    "401")
                .status())
        .isEqualTo(401);
    assertThat(
            gateway
                .get(
                    agent.http(),
                    "/check",
                    "X-Forwarded-For",
                    "198.51.100.9",
                    "X-RateLimit-Deny-Status",
                    "500")
                .status())
        .isEqualTo(429);
    assertThat(
            gateway
                .get(
                    agent.http(),
                    "/check",
                    "X-Forwarded-For",
                    "198.51.100.9",
                    "X-RateLimit-Deny-Status",
                    "200")
                .status())
        .isEqualTo(429);
  }

  @Test
  @DisplayName(
      "Traefik ForwardAuth (X-Forwarded-Method/-Uri) and Envoy ext_authz (any method, the path after /check) share one count")
  void traefikAndEnvoyConventions() {
    Reply traefik =
        gateway.get(
            agent.http(),
            "/check",
            "X-Forwarded-For",
            "203.0.113.5",
            "X-Forwarded-Method",
            "POST",
            "X-Forwarded-Uri",
            "/shop/orders?x=1",
            "X-Forwarded-Host",
            "shop.example");
    assertThat(traefik.status()).isEqualTo(200);
    Reply envoyPost =
        gateway.send(
            "POST", agent.http(), "/check/shop/orders?x=1", null, "X-Forwarded-For", "203.0.113.5");
    assertThat(envoyPost.status()).isEqualTo(200);
    Reply envoyDelete =
        gateway.send(
            "DELETE", agent.http(), "/check/shop/orders/7", null, "X-Forwarded-For", "203.0.113.5");
    assertThat(envoyDelete.status()).isEqualTo(200);
    assertThat(envoyDelete.header("X-RateLimit-Remaining")).isEqualTo("0");
    assertThat(
            gateway
                .send("PUT", agent.http(), "/check/x", null, "X-Forwarded-For", "203.0.113.5")
                .status())
        .isEqualTo(429);
    assertThat(new TestHttp().get(agent.http(), "/checkout").status()).isEqualTo(404);
  }

  @Test
  @DisplayName(
      "From a trusted proxy the route comes from Traefik's headers or nginx's, one family only; else the path after /check; the query is dropped")
  void routeExtraction() {
    MultiMap traefik =
        MultiMap.caseInsensitiveMultiMap()
            .add("X-Forwarded-Method", "post")
            .add("X-Forwarded-Uri", "/a/b?q=1");
    assertThat(CheckHandler.route(traefik, "GET", "/check", true))
        .isEqualTo(new Route("POST", "/a/b"));
    MultiMap nginx =
        MultiMap.caseInsensitiveMultiMap()
            .add("X-Original-Method", "DELETE")
            .add("X-Original-URI", "/c?x");
    assertThat(CheckHandler.route(nginx, "GET", "/check", true))
        .isEqualTo(new Route("DELETE", "/c"));
    MultiMap ingressNginx =
        MultiMap.caseInsensitiveMultiMap()
            .add("X-Original-Method", "PUT")
            .add("X-Original-URL", "https://shop.example/f/g?y");
    assertThat(CheckHandler.route(ingressNginx, "GET", "/check", true))
        .isEqualTo(new Route("PUT", "/f/g"));
    MultiMap both = MultiMap.caseInsensitiveMultiMap().addAll(traefik).addAll(nginx);
    assertThatThrownBy(() -> CheckHandler.route(both, "GET", "/check", true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Both X-Original-* and X-Forwarded-Uri/-Method");
    assertThat(CheckHandler.route(both, "GET", "/check/d", false))
        .as("from anyone else, route headers are not believed")
        .isEqualTo(new Route("GET", "/d"));
    assertThat(CheckHandler.route(MultiMap.caseInsensitiveMultiMap(), "PATCH", "/check/d/e", true))
        .isEqualTo(new Route("PATCH", "/d/e"));
    assertThat(CheckHandler.route(MultiMap.caseInsensitiveMultiMap(), "GET", "/check", true))
        .isEqualTo(new Route("GET", "/"));
  }

  @Test
  @DisplayName(
      "A check request's body is never read: a pending one closes the connection after the answer")
  void bodyNotRead() throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), agent.http())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /check HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\npartial")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String answer =
          new String(
              in.readAllBytes(), StandardCharsets.US_ASCII); // ends only when the agent closes
      assertThat(answer).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close");
    }
  }

  @Test
  @DisplayName("Check decisions count in ratelimiter_requests_total with source check")
  void metrics() {
    gateway.get(agent.http(), "/check");
    assertThat(new TestHttp().get(agent.management(), "/metrics").body())
        .contains("ratelimiter_requests_total{outcome=\"allowed\",source=\"check\"} 1.0");
  }

  @Test
  @DisplayName("Store down with failurePolicy Closed: 503, as on /api")
  void storeDownClosed() {
    agent.close();
    agent =
        RunningAgent.start(
            TestSettings.local("redis://127.0.0.1:" + Ports.free(), null, null),
            POLICY + "failurePolicy: Closed\n");
    Reply reply = gateway.get(agent.http(), "/check");
    assertThat(reply.status()).isEqualTo(503);
    assertThat(reply.header("Retry-After")).isEqualTo("1");
  }
}
