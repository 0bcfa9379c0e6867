package dev.ratelimiter.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.testsupport.net.FreezableProxy;
import dev.ratelimiter.testsupport.net.Ports;
import dev.ratelimiter.testsupport.redis.RedisServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("agent.jar run as a process")
class AgentProcessIT {

  private Process process;
  private final TestHttp http = new TestHttp();

  @TempDir Path dir;

  @AfterEach
  void kill() {
    if (process != null) {
      process.destroyForcibly();
    }
  }

  private Process run(Map<String, String> env) throws IOException {
    process = AgentJar.start(dir, env);
    return process;
  }

  @Test
  @DisplayName(
      "On SIGTERM the agent refuses new connections but finishes the request in flight, then exits 0")
  void drainsInFlightRequests() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start(null);
        FreezableProxy hung = FreezableProxy.to(redis.port())) {
      int httpPort = Ports.free();
      int managementPort = Ports.free();
      Process p =
          run(
              Map.of(
                  "HTTP_PORT",
                  Integer.toString(httpPort),
                  "MANAGEMENT_PORT",
                  Integer.toString(managementPort),
                  "REDIS_URL",
                  "redis://127.0.0.1:" + hung.port(),
                  "REDIS_TIMEOUT_MS",
                  "20000"));
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(
              () -> http.get(managementPort, "/health/ready").json().getBoolean("storeReachable"));
      assertThat(http.get(httpPort, "/api").status()).isEqualTo(200);

      hung.freeze(); // Redis stops answering: the next request stays in flight
      CompletableFuture<TestHttp.Reply> inFlight =
          CompletableFuture.supplyAsync(() -> http.get(httpPort, "/api"));
      await().atMost(Duration.ofSeconds(10)).until(() -> hung.heldBytes() > 0);

      p.destroy(); // SIGTERM
      await().atMost(Duration.ofSeconds(10)).until(() -> refused(httpPort));
      assertThat(inFlight).isNotDone();

      hung.thaw();
      TestHttp.Reply reply = inFlight.get(20, TimeUnit.SECONDS);
      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.header("X-RateLimit-Remaining")).isEqualTo("8");
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
    }
  }

  @Test
  @DisplayName(
      "A request still in flight when the drain time is up does not keep the agent alive: it exits 0 soon after the cap")
  void drainIsCapped() throws Exception {
    try (TestBackend backend = TestBackend.start()) {
      int httpPort = Ports.free();
      int managementPort = Ports.free();
      Process p =
          run(
              Map.of(
                  "HTTP_PORT",
                  Integer.toString(httpPort),
                  "MANAGEMENT_PORT",
                  Integer.toString(managementPort),
                  "BACKEND_URL",
                  backend.url(),
                  "BACKEND_TIMEOUT_MS",
                  "600000"));
      http.awaitReady(managementPort);

      CompletableFuture<TestHttp.Reply> inFlight =
          CompletableFuture.supplyAsync(() -> http.get(httpPort, "/api/hang"));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> backend.hanging.get() == 1); // the backend holds it, forever

      long signalled = System.nanoTime();
      p.destroy(); // SIGTERM
      await().atMost(Duration.ofSeconds(10)).until(() -> refused(httpPort));
      long margin = 4_000;
      assertThat(p.waitFor(AgentMain.DRAIN_MILLIS + margin, TimeUnit.MILLISECONDS))
          .as("exited within the drain cap of %d ms + %d ms", AgentMain.DRAIN_MILLIS, margin)
          .isTrue();
      long millis = (System.nanoTime() - signalled) / 1_000_000;
      assertThat(p.exitValue()).isZero();
      assertThat(millis)
          .as("waited for the request in flight until the cap")
          .isGreaterThanOrEqualTo(AgentMain.DRAIN_MILLIS - 1_000);
      assertThat(stderr()).contains("draining in-flight requests").doesNotContain("exiting anyway");
      await()
          .atMost(Duration.ofSeconds(5))
          .until(inFlight::isDone); // its connection ended with the agent
      await().atMost(Duration.ofSeconds(10)).until(() -> backend.hangingClosed.get() == 1);
    }
  }

  @Test
  @DisplayName(
      "A client that hangs up before the backend answers is no error of the agent's: nothing logged at ERROR")
  void clientHangsUp() throws Exception {
    try (TestBackend backend = TestBackend.start()) {
      int httpPort = Ports.free();
      int managementPort = Ports.free();
      run(
          Map.of(
              "HTTP_PORT",
              Integer.toString(httpPort),
              "MANAGEMENT_PORT",
              Integer.toString(managementPort),
              "BACKEND_URL",
              backend.url(),
              "WARM_UP_SECONDS",
              "0"));
      http.awaitReady(managementPort);
      for (int i = 1; i <= 3; i++) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", httpPort)) {
          socket
              .getOutputStream()
              .write(
                  "GET /api/hang HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          int held = i;
          await().atMost(Duration.ofSeconds(10)).until(() -> backend.hanging.get() == held);
        } // hangs up
        int closed = i;
        await().atMost(Duration.ofSeconds(10)).until(() -> backend.hangingClosed.get() == closed);
      }
      assertThat(http.get(httpPort, "/api/x").status()).isEqualTo(200);
      assertThat(stderr()).doesNotContain(" ERROR ").doesNotContain("Stream reset");
    }
  }

  @Test
  @DisplayName(
      "A client that hangs up in the middle of a proxied download is no error either, and no key or token a client sent reaches the log")
  void clientHangsUpMidStream() throws Exception {
    try (TestBackend backend = TestBackend.start()) {
      int httpPort = Ports.free();
      int managementPort = Ports.free();
      run(
          Map.of(
              "HTTP_PORT",
              Integer.toString(httpPort),
              "MANAGEMENT_PORT",
              Integer.toString(managementPort),
              "BACKEND_URL",
              backend.url(),
              "WARM_UP_SECONDS",
              "0"));
      http.awaitReady(managementPort);
      for (int i = 0; i < 3; i++) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", httpPort)) {
          socket
              .getOutputStream()
              .write(
                  ("GET /api/download?bytes=200000000 HTTP/1.1\r\nHost: x\r\n"
                          + "Authorization: Bearer eyJsecret-token-value\r\n"
                          + "X-Api-Key: sk-live-secret-key\r\n\r\n")
                      .getBytes(StandardCharsets.US_ASCII));
          byte[] some = new byte[256 * 1024];
          int read = 0;
          while (read < some.length) {
            int n = socket.getInputStream().read(some, read, some.length - read);
            if (n < 0) {
              break;
            }
            read += n;
          }
          assertThat(read).as("part of the body arrived").isEqualTo(some.length);
        } // hangs up mid-body
      }
      // the agent still serves, and a later request's log lines would follow the hang-ups'
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(http.get(httpPort, "/api/x").status()).isEqualTo(200));
      assertThat(stderr())
          .doesNotContain(" ERROR ")
          .doesNotContain("Stream reset")
          .doesNotContain("secret-token-value")
          .doesNotContain("sk-live-secret-key");
    }
  }

  @Test
  @DisplayName(
      "LOG_FORMAT=json: every log line is one JSON object with time, level, logger and the formatted message")
  void jsonLogLines() throws Exception {
    int httpPort = Ports.free();
    int managementPort = Ports.free();
    run(
        Map.of(
            "HTTP_PORT",
            Integer.toString(httpPort),
            "MANAGEMENT_PORT",
            Integer.toString(managementPort),
            "LOG_FORMAT",
            "json",
            "WARM_UP_SECONDS",
            "0"));
    http.awaitReady(managementPort);
    await().atMost(Duration.ofSeconds(10)).until(() -> stderr().contains("serving"));
    List<String> lines = stderr().lines().filter(l -> !l.isBlank()).toList();
    assertThat(lines).isNotEmpty();
    for (String line : lines) {
      io.vertx.core.json.JsonObject event = new io.vertx.core.json.JsonObject(line);
      assertThat(event.getLong("timestamp")).isPositive();
      assertThat(event.getString("level")).isIn("INFO", "WARN", "ERROR", "DEBUG");
      assertThat(event.getString("loggerName")).isNotBlank();
      assertThat(event.getString("formattedMessage")).isNotBlank().doesNotContain("{}");
    }
  }

  private static boolean refused(int port) {
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  private String stderr() throws IOException {
    return Files.readString(dir.resolve("stderr.txt"), StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("An invalid policy file stops startup within seconds with one line naming the field")
  void invalidPolicyFile() throws Exception {
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, "limits:\n  - {name: per-minute, requests: 10, window: 1d}\n");
    Process p =
        run(Map.of("POLICY_FILE", policy.toString(), "HTTP_PORT", "0", "MANAGEMENT_PORT", "0"));
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(stderr().strip().lines()).hasSize(1);
    assertThat(stderr()).contains("limits[0].window", "'1d'");
  }

  @Test
  @DisplayName("A bad setting stops startup with one line naming it")
  void badSetting() throws Exception {
    Process p = run(Map.of("HTTP_PORT", "eighty"));
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(stderr().strip())
        .isEqualTo("ratelimiter-agent: HTTP_PORT='eighty' is not a whole number in 0 .. 65535");
  }

  @Test
  @DisplayName("A BACKEND_URL the agent cannot use stops startup with one line naming the setting")
  void badBackendUrl() throws Exception {
    Process p =
        run(
            Map.of(
                "BACKEND_URL",
                "https://shop-api.shop.svc:8080",
                "HTTP_PORT",
                "0",
                "MANAGEMENT_PORT",
                "0"));
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(stderr().strip())
        .isEqualTo(
            "ratelimiter-agent: BACKEND_URL='https://shop-api.shop.svc:8080' is not usable:"
                + " the scheme must be http:// (the agent speaks plain HTTP to the backend, inside the cluster)");
  }

  @Test
  @DisplayName("The agent serves the default policy from its settings and exits 0 on SIGTERM")
  void servesAndStopsCleanly() throws Exception {
    int httpPort = Ports.free();
    int managementPort = Ports.free();
    Path policy = dir.resolve("policy.json");
    Files.writeString(
        policy,
        "{\"policy\":\"shop/api\",\"generation\":3,\"limits\":[{\"name\":\"per-minute\",\"requests\":10,\"window\":\"1m\"}]}");
    Process p =
        run(
            Map.of(
                "HTTP_PORT",
                Integer.toString(httpPort),
                "MANAGEMENT_PORT",
                Integer.toString(managementPort),
                "POLICY_FILE",
                policy.toString(),
                "ADMIN_TOKEN",
                "process-token"));
    http.awaitReady(managementPort);
    assertThat(http.get(httpPort, "/api").header("RateLimit-Policy"))
        .isEqualTo("\"per-minute\";q=10;w=60");
    assertThat(
            http.get(managementPort, "/admin/policy", "Authorization", "Bearer process-token")
                .json()
                .getLong("generation"))
        .isEqualTo(3);

    p.destroy(); // SIGTERM
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(stderr()).contains("draining in-flight requests", "Stopped");
    assertThat(stderr())
        .as("a clean start and stop logs no warning")
        .doesNotContain("Exception")
        .doesNotContain(" WARN ");
  }
}
