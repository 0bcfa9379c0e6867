package dev.ratelimiter.agent.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestBackend;
import dev.ratelimiter.agent.TestHttp;
import dev.ratelimiter.agent.TestHttp.Reply;
import dev.ratelimiter.agent.TestSettings;
import dev.ratelimiter.testsupport.net.Ports;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The agent in front of a real backend")
class ProxyTest {

  private static final String POLICY =
      "limits: [{name: per-minute, requests: 5, window: 1m}]\n"
          + "clientKey: {trustedProxies: [127.0.0.0/8]}\n";

  private final TestHttp http = new TestHttp();
  private TestBackend backend;
  private RunningAgent agent;

  private RunningAgent start(String backendUrl, long timeoutMillis, String policy) {
    agent =
        RunningAgent.start(
            TestSettings.local(null, null, null).withBackend(backendUrl, timeoutMillis), policy);
    return agent;
  }

  private RunningAgent startWithBackend() {
    backend = TestBackend.start();
    return start(backend.url(), 5000, POLICY);
  }

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
    if (backend != null) {
      backend.close();
    }
  }

  @Test
  @DisplayName(
      "An allowed request reaches the backend with its method, path, query, headers and body; the answer comes back with the rate-limit headers")
  void forwardsUnchanged() throws Exception {
    startWithBackend();
    String body = "{\"order\": \"two coffees\"}";
    Reply reply =
        http.send(
            "POST",
            agent.http(),
            "/api/orders/42?x=1&y=%20z",
            body,
            "X-Custom",
            "kept",
            "Content-Type",
            "application/json",
            "X-Forwarded-For",
            "203.0.113.9");

    assertThat(reply.status()).isEqualTo(200);
    JsonObject seen = reply.json();
    assertThat(seen.getString("method")).isEqualTo("POST");
    assertThat(seen.getString("uri")).isEqualTo("/api/orders/42?x=1&y=%20z");
    assertThat(seen.getJsonObject("headers").getJsonArray("x-custom").getList())
        .containsExactly("kept");
    assertThat(seen.getJsonObject("headers").getJsonArray("content-type").getList())
        .containsExactly("application/json");
    assertThat(seen.getLong("bodyBytes")).isEqualTo(body.length());
    assertThat(seen.getString("bodySha256"))
        .isEqualTo(sha256(body.getBytes(StandardCharsets.UTF_8)));

    assertThat(reply.header("X-Backend")).isEqualTo("echo");
    assertThat(reply.header("Content-Type")).isEqualTo("application/json");
    assertThat(reply.header("RateLimit-Policy")).isEqualTo("\"per-minute\";q=5;w=60");
    assertThat(reply.header("X-RateLimit-Remaining")).isEqualTo("4");
    assertThat(reply.header("RateLimit")).startsWith("\"per-minute\";r=4;t=");
  }

  @Test
  @DisplayName(
      "The peer is appended to X-Forwarded-For, X-Forwarded-Proto and -Host are set by the agent, and hop-by-hop headers are dropped both ways")
  void forwardingHeaders() {
    startWithBackend();
    Reply reply =
        http.send(
            "GET",
            agent.http(),
            "/api/items",
            null,
            "X-Forwarded-For",
            "203.0.113.9",
            "X-Forwarded-Proto",
            "https",
            "X-Forwarded-Host",
            "evil.example",
            "Connection",
            "X-Drop-Me",
            "X-Drop-Me",
            "secret",
            "Proxy-Authorization",
            "Basic c2VjcmV0",
            "TE",
            "trailers");

    JsonObject headers = reply.json().getJsonObject("headers");
    assertThat(headers.getJsonArray("x-forwarded-for").getList())
        .containsExactly("203.0.113.9, 127.0.0.1");
    assertThat(headers.getJsonArray("x-forwarded-proto").getList()).containsExactly("http");
    assertThat(headers.getJsonArray("x-forwarded-host").getList())
        .containsExactly("127.0.0.1:" + agent.http());
    assertThat(headers.fieldNames()).doesNotContain("x-drop-me", "proxy-authorization", "te");
    // the backend's own hop-by-hop headers stay between it and the agent
    assertThat(reply.header("X-Hop-Secret")).isNull();
    assertThat(reply.header("Keep-Alive")).isNull();
  }

  @Test
  @DisplayName(
      "A refused request never reaches the backend: the client gets 429 with Retry-After from the agent")
  void refusedNeverReachesBackend() {
    startWithBackend();
    for (int i = 0; i < 5; i++) {
      assertThat(http.send("DELETE", agent.http(), "/api/items/" + i, null).status())
          .isEqualTo(200);
    }
    Reply refused = http.send("PUT", agent.http(), "/api/items/9", "payload");
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 60L);
    assertThat(refused.header("X-RateLimit-Remaining")).isEqualTo("0");
    assertThat(backend.requests).hasValue(5);
  }

  @Test
  @DisplayName("A base path in BACKEND_URL is put before the request's own path")
  void basePath() {
    backend = TestBackend.start();
    start(backend.url() + "/base/", 5000, POLICY);
    assertThat(http.get(agent.http(), "/api?q=1").json().getString("uri"))
        .isEqualTo("/base/api?q=1");
    assertThat(http.get(agent.http(), "/api/a/b").json().getString("uri"))
        .isEqualTo("/base/api/a/b");
  }

  @Test
  @DisplayName(
      "Only /api and /api/** are proxied; a path that climbs out of /api is refused before it is counted or forwarded, others go in canonical form")
  void onlyApiPaths() {
    startWithBackend();
    assertThat(http.get(agent.http(), "/apix").status()).isEqualTo(404);
    assertThat(http.get(agent.http(), "/admin").status()).isEqualTo(404);
    assertThat(http.get(agent.http(), "/api/../admin").status()).isEqualTo(400);
    assertThat(http.get(agent.http(), "/api/%2E%2e/admin").status()).isEqualTo(400);
    assertThat(backend.requests).hasValue(0);
    Reply resolved = http.get(agent.http(), "/api/./x//y?q=1");
    assertThat(resolved.status()).isEqualTo(200);
    assertThat(resolved.json().getString("uri")).isEqualTo("/api/x/y?q=1");
    assertThat(http.get(agent.http(), "/api/ok").header("X-RateLimit-Remaining")).isEqualTo("3");
  }

  @Test
  @DisplayName(
      "A backend that refuses connections gives 502 problem+json that does not name it, and the agent stays ready")
  void unreachableBackend() {
    int closedPort = Ports.free();
    start("http://127.0.0.1:" + closedPort, 5000, POLICY);
    Reply reply = http.get(agent.http(), "/api/x");
    assertThat(reply.status()).isEqualTo(502);
    assertThat(reply.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(reply.json().getString("title")).isEqualTo("Bad Gateway");
    assertThat(reply.json().getString("detail"))
        .isEqualTo("The backend could not be reached.")
        .doesNotContain(Integer.toString(closedPort), "Exception", "\tat ");
    assertThat(reply.header("X-RateLimit-Remaining")).isEqualTo("4");
    assertThat(http.get(agent.management(), "/health/ready").status()).isEqualTo(200);
    assertThat(http.get(agent.management(), "/metrics").body())
        .contains("ratelimiter_backend_responses_total{class=\"unreachable\"} 1.0");
  }

  @Test
  @DisplayName("A backend that does not answer within BACKEND_TIMEOUT_MS gives 504 problem+json")
  void slowBackend() {
    backend = TestBackend.start();
    start(backend.url(), 500, POLICY);
    Reply reply = http.get(agent.http(), "/api/hang");
    assertThat(reply.status()).isEqualTo(504);
    assertThat(reply.json().getString("title")).isEqualTo("Gateway Timeout");
    assertThat(reply.json().getString("detail"))
        .contains("500 ms")
        .doesNotContain(Integer.toString(backend.port()));
    assertThat(http.get(agent.management(), "/metrics").body())
        .contains("ratelimiter_backend_responses_total{class=\"timeout\"} 1.0");
  }

  @Test
  @DisplayName("A client that disconnects aborts its request to the backend")
  void clientAbort() throws Exception {
    startWithBackend();
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), agent.http())) {
      socket
          .getOutputStream()
          .write("GET /api/hang HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAtomic(backend.hanging, org.hamcrest.Matchers.equalTo(1));
      assertThat(backend.hangingClosed).hasValue(0);
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAtomic(backend.hangingClosed, org.hamcrest.Matchers.equalTo(1));
  }

  @Test
  @DisplayName("Connections to the backend are kept alive and reused")
  void keepAlive() {
    backend = TestBackend.start();
    start(backend.url(), 5000, "limits: [{name: many, requests: 100, window: 1m}]");
    for (int i = 0; i < 20; i++) {
      assertThat(http.get(agent.http(), "/api/k").status()).isEqualTo(200);
    }
    assertThat(backend.requests).hasValue(20);
    assertThat(backend.connections.get()).isLessThanOrEqualTo(2);
  }

  @Test
  @DisplayName("A WebSocket upgrade passes through and counts as one request")
  void webSocket() throws Exception {
    startWithBackend();
    Vertx vertx = Vertx.vertx();
    // Held until closed: Vert.x closes a client that is no longer referenced.
    WebSocketClient client = vertx.createWebSocketClient();
    try {
      WebSocket ws =
          TestHttp.await(
              client.connect(
                  new WebSocketConnectOptions()
                      .setHost("127.0.0.1")
                      .setPort(agent.http())
                      .setURI("/api/ws")));
      CompletableFuture<String> answer = new CompletableFuture<>();
      ws.textMessageHandler(answer::complete);
      ws.writeTextMessage("hello");
      assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo("echo: hello");
      ws.writeTextMessage("again");
      TestHttp.await(ws.close());
      TestHttp.await(client.close());
    } finally {
      TestHttp.await(vertx.close());
    }
    assertThat(backend.requests).hasValue(1);
    assertThat(http.get(agent.http(), "/api/after").header("X-RateLimit-Remaining")).isEqualTo("3");
  }

  @Test
  @DisplayName(
      "An upload announced with Expect: 100-continue is refused before its body is sent, or invited once allowed")
  void expectContinue() throws Exception {
    backend = TestBackend.start();
    start(backend.url(), 5000, "limits: [{name: one, requests: 1, window: 1m}]");
    byte[] payload = "0123456789".getBytes(StandardCharsets.US_ASCII);
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), agent.http())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /api/up HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(readLine(socket.getInputStream())).isEqualTo("HTTP/1.1 100 Continue");
      readLine(socket.getInputStream());
      out.write(payload);
      out.flush();
      assertThat(readLine(socket.getInputStream())).isEqualTo("HTTP/1.1 200 OK");
    }
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), agent.http())) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              ("POST /api/up HTTP/1.1\r\nHost: x\r\nContent-Length: 104857600\r\nExpect: 100-continue\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      assertThat(readLine(socket.getInputStream())).isEqualTo("HTTP/1.1 429 Too Many Requests");
    }
    assertThat(backend.requests).hasValue(1);
  }

  static String readLine(InputStream in) throws java.io.IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
