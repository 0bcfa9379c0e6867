package dev.ratelimiter.agent.bypass;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestHttp;
import dev.ratelimiter.agent.TestHttp.Reply;
import dev.ratelimiter.agent.TestSettings;
import dev.ratelimiter.agent.gateway.NginxProcess;
import dev.ratelimiter.agent.grpc.RlsClient;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.vertx.grpc.common.GrpcStatus;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A hostile client against per-route limits, with a real nginx as the backend (it merges slashes,
 * decodes escapes and resolves dot segments before it routes, as most servers do): no spelling of a
 * path, and no route header, gets a request to a limited handler past its limit, through the proxy,
 * {@code /check} or gRPC, and the three ways agree on every spelling ({@link PathCorpus}).
 */
@DisplayName("Per-route limits against a hostile client")
class BypassTest {

  static final String POLICY =
      """
      policy: shop/api
      limits:
        - {name: login, requests: 2, window: 1h, match: {pathPrefixes: [/api/login]}}
        - {name: admin-post, requests: 2, window: 1h, match: {pathPrefixes: [/api/admin/], methods: [POST]}}
        - {name: reports, requests: 2, window: 1h, match: {pathPrefixes: [/api/reports], methods: [GET]}}
      clientKey: {trustedProxies: [127.0.0.2/32]}
      """;

  /** Tells which of its handlers served a request, and the path it routed. */
  static final String BACKEND =
      """
      server {
        listen 127.0.0.1:PORT;
        location = /api/login { return 200 "login $uri\\n"; }
        location /api/admin/ { return 200 "admin $uri\\n"; }
        location / { return 200 "other $uri\\n"; }
      }
      """;

  private NginxProcess backend;
  private RunningAgent agent;
  private final TestHttp client = new TestHttp();
  private final TestHttp gateway = new TestHttp("127.0.0.2");

  @BeforeEach
  void start() throws Exception {
    backend = NginxProcess.start(BACKEND);
    agent =
        RunningAgent.start(
            TestSettings.local(null, null, null)
                .withBackend("http://127.0.0.1:" + backend.port, 5000),
            POLICY);
  }

  @AfterEach
  void stop() {
    agent.close();
    backend.close();
  }

  private long backendSaw(String requestLinePrefix) {
    return backend.requestLines().stream().filter(l -> l.startsWith(requestLinePrefix)).count();
  }

  @Test
  @DisplayName(
      "through the proxy: every spelling of /api/login is counted or refused, and the backend routes only what was counted")
  void proxy() {
    for (int i = 0; i < 2; i++) {
      Reply ok = client.get(agent.http(), "/api/login");
      assertThat(ok.status()).isEqualTo(200);
      assertThat(ok.body()).isEqualTo("login /api/login\n");
    }
    for (PathCorpus.Entry entry : PathCorpus.ENTRIES) {
      Reply reply = client.get(agent.http(), entry.path());
      if (entry.verdict() == PathCorpus.Verdict.LOGIN) {
        assertThat(reply.status()).as("%s (%s)", entry.path(), reply.body()).isEqualTo(429);
      } else {
        // 404 where the raw path is not under /api at all (/api%2flogin): not forwarded either way
        assertThat(reply.status()).as("%s (%s)", entry.path(), reply.body()).isIn(400, 404);
      }
    }
    assertThat(backend.requestLines())
        .as("what the backend saw")
        .containsExactly("GET /api/login HTTP/1.1", "GET /api/login HTTP/1.1");
  }

  @Test
  @DisplayName("/check, asked by a trusted gateway with the raw X-Original-URI: the same verdicts")
  void check() {
    for (int i = 0; i < 2; i++) {
      assertThat(checkStatus("/api/login", "GET")).isEqualTo(200);
    }
    for (PathCorpus.Entry entry : PathCorpus.ENTRIES) {
      assertThat(checkStatus(entry.path(), "GET"))
          .as(entry.path())
          .isEqualTo(entry.verdict() == PathCorpus.Verdict.LOGIN ? 429 : 400);
    }
  }

  private int checkStatus(String uri, String method) {
    return gateway
        .get(
            agent.http(),
            "/check",
            "X-Forwarded-For",
            "203.0.113.10",
            "X-Original-URI",
            uri,
            "X-Original-Method",
            method)
        .status();
  }

  @Test
  @DisplayName("gRPC, with the raw path in the descriptor: the same verdicts")
  void grpc() {
    try (RlsClient rls = new RlsClient()) {
      for (int i = 0; i < 2; i++) {
        assertThat(grpcAnswer(rls, "/api/login")).isEqualTo("OK");
      }
      for (PathCorpus.Entry entry : PathCorpus.ENTRIES) {
        assertThat(grpcAnswer(rls, entry.path()))
            .as(entry.path())
            .isEqualTo(
                entry.verdict() == PathCorpus.Verdict.LOGIN ? "OVER_LIMIT" : "INVALID_ARGUMENT");
      }
    }
  }

  private String grpcAnswer(RlsClient rls, String path) {
    RlsClient.Answer answer =
        rls.callAndWait(
            agent.agent.grpcPort(),
            RlsClient.request(
                "shop/api",
                1,
                RlsClient.descriptor(
                    "remote_address", "203.0.113.11", "method", "GET", "path", path)));
    return answer.status() != GrpcStatus.OK
        ? answer.status().name()
        : answer.response().getOverallCode() == RateLimitResponse.Code.OK ? "OK" : "OVER_LIMIT";
  }

  @Test
  @DisplayName("a path that climbs out of /api, however encoded, is refused and never forwarded")
  void leavingApi() {
    for (String path :
        List.of(
            "/api/..%2fsecret",
            "/api/%2e%2e%2fsecret",
            "/api/x/..%2f..%2finternal/metrics",
            "/api/../secret",
            "/api/%2e%2e/secret",
            "/api/x/../../secret")) {
      assertThat(client.get(agent.http(), path).status()).as(path).isEqualTo(400);
    }
    assertThat(backend.requestLines()).as("what the backend saw").isEmpty();
  }

  @Test
  @DisplayName("POST to /api/admin/ spelled other ways is counted as POST /api/admin/ is")
  void adminPost() {
    for (int i = 0; i < 2; i++) {
      assertThat(client.send("POST", agent.http(), "/api/admin/x", "").status()).isEqualTo(200);
    }
    for (String path : List.of("/api//admin/x", "/api/%61dmin/x", "/api/admin/./x")) {
      assertThat(client.send("POST", agent.http(), path, "").status()).as(path).isEqualTo(429);
    }
    assertThat(client.send("POST", agent.http(), "/api/admin%2Fx", "").status()).isEqualTo(400);
    assertThat(backendSaw("POST /api/admin/x ")).isEqualTo(2);
    assertThat(backend.requestLines()).hasSize(2);
  }

  @Test
  @DisplayName("HEAD is counted where GET is limited (servers answer it as a GET)")
  void headCountsAsGet() {
    assertThat(client.send("HEAD", agent.http(), "/api/reports", null).status()).isEqualTo(200);
    assertThat(client.send("HEAD", agent.http(), "/api/reports", null).status()).isEqualTo(200);
    assertThat(client.get(agent.http(), "/api/reports").status()).isEqualTo(429);
    assertThat(client.send("HEAD", agent.http(), "/api/reports", null).status()).isEqualTo(429);
  }

  @Test
  @DisplayName(
      "/check believes no route header from a direct caller, and refuses a second family a client slipped past the gateway")
  void routeHeaders() {
    for (int i = 0; i < 2; i++) {
      assertThat(checkStatus("/api/login", "GET")).isEqualTo(200);
    }
    // the gateway's own header says /api/login; the client added Traefik's to name another route
    Reply spoofed =
        gateway.get(
            agent.http(),
            "/check",
            "X-Forwarded-For",
            "203.0.113.10",
            "X-Original-URI",
            "/api/login",
            "X-Original-Method",
            "GET",
            "X-Forwarded-Uri",
            "/x",
            "X-Forwarded-Method",
            "GET");
    assertThat(spoofed.status()).isEqualTo(400);
    Reply twice =
        gateway.get(
            agent.http(),
            "/check",
            "X-Forwarded-For",
            "203.0.113.10",
            "X-Original-URI",
            "/x",
            "X-Original-URI",
            "/api/login");
    assertThat(twice.status()).isEqualTo(400);
    // a direct caller (not a trusted proxy) names no route with headers: its own path decides
    TestHttp direct = new TestHttp("127.0.0.5");
    for (int i = 0; i < 2; i++) {
      assertThat(direct.get(agent.http(), "/check/api/login").status()).isEqualTo(200);
    }
    assertThat(
            direct
                .get(
                    agent.http(),
                    "/check/api/login",
                    "X-Forwarded-Uri",
                    "/x",
                    "X-Original-URI",
                    "/y")
                .status())
        .isEqualTo(429);
  }
}
