package dev.ratelimiter.agent.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.agent.AgentSettings;
import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestHttp;
import dev.ratelimiter.agent.TestHttp.Reply;
import dev.ratelimiter.agent.TestSettings;
import dev.ratelimiter.testsupport.redis.RedisServerProcess;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rediss://} against a real TLS-only redis-server, with certificates made by openssl here.
 */
@DisplayName("Redis over TLS")
class TlsRedisTest {

  @TempDir static Path certs;
  private static RedisServerProcess redis;
  private RunningAgent agent;
  private final TestHttp http = new TestHttp();

  @BeforeAll
  static void startTlsRedis() throws Exception {
    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
        "-days",
        "2",
        "-subj",
        "/CN=test-ca");
    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "other-ca.key",
        "-out",
        "other-ca.crt",
        "-days",
        "2",
        "-subj",
        "/CN=other-ca");
    openssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=localhost");
    Files.writeString(certs.resolve("san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
    openssl(
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.crt",
        "-days",
        "2",
        "-extfile",
        "san.ext");
    redis =
        RedisServerProcess.startTls(
            certs.resolve("server.crt"), certs.resolve("server.key"), certs.resolve("ca.crt"));
  }

  @AfterAll
  static void stopRedis() {
    if (redis != null) {
      redis.close();
    }
  }

  @AfterEach
  void stopAgent() {
    if (agent != null) {
      agent.close();
    }
  }

  private static void openssl(String... args) throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(certs.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as("openssl %s: %s", args[0], out).isZero();
  }

  private void start(String host, String ca, String failurePolicy) {
    agent =
        RunningAgent.start(
            TestSettings.local("rediss://" + host + ":" + redis.port(), null, null)
                .withRedisTlsCaFile(certs.resolve(ca)),
            "limits: [{name: few, requests: 2, window: 1m}]\nfailurePolicy: " + failurePolicy);
  }

  @Test
  @DisplayName("With the server's CA, rediss:// connects, verifies the host name and enforces")
  void connectsWithTheCa() {
    start("localhost", "ca.crt", "Closed");
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> http.get(agent.management(), "/health/ready").status() == 200);
    assertThat(http.get(agent.management(), "/health/ready").json().getBoolean("storeReachable"))
        .isTrue();
    assertThat(http.get(agent.http(), "/api").header("X-RateLimit-Remaining")).isEqualTo("1");
    assertThat(http.get(agent.http(), "/api").status()).isEqualTo(200);
    assertThat(http.get(agent.http(), "/api").status()).isEqualTo(429);
  }

  @Test
  @DisplayName(
      "With a wrong CA it refuses the server: the store is unreachable, and /health/ready says so and why, even when failing open")
  void wrongCaRefused() {
    start("localhost", "other-ca.crt", "Open");
    Reply api = http.get(agent.http(), "/api");
    assertThat(api.status()).as("failurePolicy Open").isEqualTo(200);
    assertThat(api.header("X-RateLimit-Remaining")).as("nothing counted").isNull();
    JsonObject ready = http.get(agent.management(), "/health/ready").json();
    assertThat(ready.getBoolean("storeReachable")).isFalse();
    assertThat(ready.getString("storeError"))
        .containsIgnoringCase("not connected")
        .containsIgnoringCase("SSL");
    assertThat(ready.getString("detail")).contains("failurePolicy Open");
  }

  @Test
  @DisplayName("A certificate for another host name is refused (host name verification is on)")
  void hostNameVerified() {
    start("127.0.0.2", "ca.crt", "Closed"); // the certificate names localhost and 127.0.0.1 only
    Reply ready = http.get(agent.management(), "/health/ready");
    assertThat(ready.status()).isEqualTo(503);
    assertThat(ready.json().getBoolean("storeReachable")).isFalse();
    assertThat(http.get(agent.http(), "/api").status()).isEqualTo(503);
  }

  @Test
  @DisplayName("REDIS_TLS_CA_FILE is checked at start: it needs rediss:// and a readable file")
  void caFileSettingChecked() {
    assertThatThrownBy(
            () ->
                AgentSettings.fromEnv(
                    Map.of(
                        "REDIS_URL",
                        "redis://localhost:6379",
                        "REDIS_TLS_CA_FILE",
                        certs.resolve("ca.crt").toString())))
        .hasMessage("REDIS_TLS_CA_FILE is set but REDIS_URL is not a rediss:// URL");
    assertThatThrownBy(
            () ->
                AgentSettings.fromEnv(
                    Map.of(
                        "REDIS_URL",
                        "rediss://localhost:6379",
                        "REDIS_TLS_CA_FILE",
                        "/nonexistent/ca.pem")))
        .hasMessageStartingWith("REDIS_TLS_CA_FILE /nonexistent/ca.pem does not exist");
    assertThat(
            AgentSettings.fromEnv(
                    Map.of(
                        "REDIS_URL",
                        "rediss://localhost:6379",
                        "REDIS_TLS_CA_FILE",
                        certs.resolve("ca.crt").toString()))
                .redisTlsCaFile())
        .isEqualTo(certs.resolve("ca.crt"));
  }
}
