package dev.ratelimiter.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.agent.RawConnections;
import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestHttp;
import dev.ratelimiter.agent.TestHttp.Reply;
import dev.ratelimiter.agent.TestSettings;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The management port")
class ManagementApiTest {

  private static final String TOKEN = "test-admin-token";
  private static final String BEARER = "Bearer " + TOKEN;

  private RunningAgent agent;
  private final TestHttp http = new TestHttp();

  private void start(String adminToken, String policy) {
    agent = RunningAgent.start(TestSettings.local(null, null, adminToken), policy);
  }

  @AfterEach
  void stop() {
    agent.close();
  }

  @Test
  @DisplayName("Liveness and readiness are open; the policy in force is shown with the token")
  void healthAndPolicy() {
    start(
        TOKEN,
        "policy: shop/api\ngeneration: 4\nlimits: [{name: per-minute, requests: 10, window: 1m}]");
    assertThat(http.get(agent.management(), "/health/live").status()).isEqualTo(200);
    Reply ready = http.get(agent.management(), "/health/ready");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().getLong("generation")).isEqualTo(4);
    assertThat(ready.json().getString("store")).isEqualTo("in-memory");
    assertThat(http.get(agent.management(), "/admin/policy").status())
        .as("GET needs the token too")
        .isEqualTo(401);
    Reply policy = http.get(agent.management(), "/admin/policy", "Authorization", BEARER);
    assertThat(policy.json().getString("policy")).isEqualTo("shop/api");
    assertThat(policy.json().getLong("generation")).isEqualTo(4);
    assertThat(policy.json().getJsonArray("limits").getJsonObject(0).getString("window"))
        .isEqualTo("1m");
    assertThat(http.get(agent.http(), "/health/live").status())
        .as("management is not on the public port")
        .isEqualTo(404);
  }

  @Test
  @DisplayName("Without ADMIN_TOKEN the admin API is refused with 403, reads included")
  void writesDisabledWithoutToken() {
    start(null, null);
    assertThat(http.get(agent.management(), "/admin/policy", "Authorization", BEARER).status())
        .isEqualTo(403);
    Reply reply =
        http.put(agent.management(), "/admin/policy", "generation: 1", "Authorization", BEARER);
    assertThat(reply.status()).isEqualTo(403);
    assertThat(reply.json().getString("detail")).contains("ADMIN_TOKEN");
  }

  @Test
  @DisplayName("A missing or wrong bearer token gets 401 and changes nothing")
  void wrongToken() {
    start(TOKEN, null);
    assertThat(http.put(agent.management(), "/admin/policy", "generation: 1").status())
        .isEqualTo(401);
    Reply wrong =
        http.put(
            agent.management(), "/admin/policy", "generation: 1", "Authorization", "Bearer nope");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.header("WWW-Authenticate")).startsWith("Bearer");
    assertThat(
            http.get(agent.management(), "/admin/policy", "Authorization", BEARER)
                .json()
                .getLong("generation"))
        .isZero();
  }

  /** Headers of a policy upload, and the first bytes of a body that never comes in full. */
  static final String STALLED_UPLOAD =
      "PUT /admin/policy HTTP/1.1\r\nHost: agent\r\nContent-Type: application/yaml\r\n"
          + "Content-Length: 60000\r\n\r\ngeneration: 1\n# ";

  @Test
  @DisplayName(
      "The token is checked before the body: a stalled upload without it is answered 401 and closed at once")
  void tokenBeforeBody() throws Exception {
    start(TOKEN, null);
    try (RawConnections raw = new RawConnections()) {
      RawConnections.Held upload = raw.open(agent.management(), 1, STALLED_UPLOAD).get(0);
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(20))
          .until(upload::closed);
      assertThat(upload.received()).startsWith("HTTP/1.1 401");
    }
  }

  @Test
  @DisplayName(
      "400 stalled uploads to the admin port don't exhaust it: all are refused or closed, and it keeps serving")
  void stalledUploadsDoNotExhaust() throws Exception {
    start(TOKEN, null);
    try (RawConnections raw = new RawConnections()) {
      List<RawConnections.Held> uploads = raw.open(agent.management(), 400, STALLED_UPLOAD);
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> raw.openCount() == 0);
      long answered401 =
          uploads.stream().filter(h -> h.received().startsWith("HTTP/1.1 401")).count();
      assertThat(uploads)
          .allSatisfy(h -> assertThat(h.received()).matches("(?s)(HTTP/1.1 401.*)?"));
      assertThat(answered401)
          .as("the ones within the management port's cap get their 401")
          .isGreaterThan(0);
      assertThat(http.get(agent.management(), "/health/live").status()).isEqualTo(200);
      assertThat(
              http.get(agent.management(), "/admin/policy", "Authorization", BEARER)
                  .json()
                  .getLong("generation"))
          .isZero();
    }
  }

  @Test
  @DisplayName("A policy body over 64 KiB gets 413 and changes nothing")
  void bodyCapped() {
    start(TOKEN, null);
    String big = "generation: 1\n#" + "x".repeat(64 * 1024) + "\n";
    Reply tooLarge = http.put(agent.management(), "/admin/policy", big, "Authorization", BEARER);
    assertThat(tooLarge.status()).isEqualTo(413);
    assertThat(
            http.get(agent.management(), "/admin/policy", "Authorization", BEARER)
                .json()
                .getLong("generation"))
        .isZero();
    assertThat(tooLarge.header("Content-Type")).isEqualTo("application/problem+json");
    // the same sent chunked, in one chunk larger than the cap
    try (java.net.Socket socket =
        new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), agent.management())) {
      socket.setSoTimeout(10_000);
      byte[] body = big.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      socket
          .getOutputStream()
          .write(
              ("PUT /admin/policy HTTP/1.1\r\nHost: x\r\nAuthorization: "
                      + BEARER
                      + "\r\nContent-Type: application/yaml\r\nTransfer-Encoding: chunked\r\n\r\n"
                      + Integer.toHexString(body.length)
                      + "\r\n"
                      + big
                      + "\r\n0\r\n\r\n")
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String answer =
          new String(
              socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
      assertThat(answer).startsWith("HTTP/1.1 413").contains("application/problem+json");
    } catch (java.io.IOException reset) {
      throw new AssertionError(reset);
    }
    String justUnder = "generation: 1\n#" + "x".repeat(60 * 1024) + "\n";
    assertThat(
            http.put(agent.management(), "/admin/policy", justUnder, "Authorization", BEARER)
                .status())
        .isEqualTo(200);
  }

  @Test
  @DisplayName("A file upload is neither stored nor read as a policy (415)")
  void noFileUploads() {
    start(TOKEN, null);
    String multipart =
        "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"p.yaml\"\r\n\r\ngeneration: 1\r\n--b--\r\n";
    Reply reply =
        http.put(
            agent.management(),
            "/admin/policy",
            multipart,
            "Authorization",
            BEARER,
            "Content-Type",
            "multipart/form-data; boundary=b");
    assertThat(reply.status()).isEqualTo(415);
    assertThat(
            http.get(agent.management(), "/admin/policy", "Authorization", BEARER)
                .json()
                .getLong("generation"))
        .isZero();
    assertThat(java.nio.file.Files.exists(java.nio.file.Path.of("file-uploads")))
        .as("BodyHandler's default upload directory")
        .isFalse();
  }

  @Test
  @DisplayName(
      "curl --data-binary's form type gets a 415 that says which types work; a manifest is applied")
  void formTypeAndManifest() {
    start(TOKEN, null);
    Reply form =
        http.put(
            agent.management(),
            "/admin/policy",
            "limits: [{name: a, requests: 2, window: 1m}]",
            "Authorization",
            BEARER,
            "Content-Type",
            "application/x-www-form-urlencoded");
    assertThat(form.status()).isEqualTo(415);
    assertThat(form.json().getString("detail"))
        .contains("application/yaml", "application/json", "Content-Type: application/yaml");

    Reply manifest =
        http.put(
            agent.management(),
            "/admin/policy",
            "apiVersion: ratelimiter.dev/v1alpha1\nkind: RateLimitPolicy\n"
                + "metadata: {name: api, namespace: shop, generation: 7}\n"
                + "spec: {limits: [{name: a, requests: 2, window: 1m}], backend: {service: shop}}\n",
            "Authorization",
            BEARER,
            "Content-Type",
            "application/yaml");
    assertThat(manifest.status()).isEqualTo(200);
    assertThat(http.get(agent.http(), "/api").header("RateLimit-Policy"))
        .isEqualTo("\"a\";q=2;w=60");
  }

  @Test
  @DisplayName("A valid pushed policy is enforced at once, without a restart")
  void pushApplies() {
    start(TOKEN, null);
    assertThat(http.get(agent.http(), "/api").header("RateLimit-Policy"))
        .isEqualTo("\"default\";q=10;w=60");
    Reply applied =
        http.put(
            agent.management(),
            "/admin/policy",
            "{\"policy\":\"default\",\"generation\":2,\"limits\":[{\"name\":\"default\",\"requests\":2,\"window\":\"1m\"}]}",
            "Authorization",
            BEARER,
            "Content-Type",
            "application/json");
    assertThat(applied.status()).isEqualTo(200);
    assertThat(applied.json().getLong("generation")).isEqualTo(2);
    Reply next = http.get(agent.http(), "/api");
    assertThat(next.header("RateLimit-Policy")).isEqualTo("\"default\";q=2;w=60");
    assertThat(next.header("X-RateLimit-Remaining"))
        .as("the counter survived the change")
        .isEqualTo("0");
    assertThat(http.get(agent.http(), "/api").status()).isEqualTo(429);
    assertThat(http.get(agent.management(), "/health/ready").json().getLong("generation"))
        .isEqualTo(2);
  }

  @Test
  @DisplayName(
      "An invalid pushed policy gets 400 naming the field, and the old policy stays in force")
  void invalidPushKeepsOldPolicy() {
    start(TOKEN, "generation: 3\nlimits: [{name: per-minute, requests: 5, window: 1m}]");
    Reply refused =
        http.put(
            agent.management(),
            "/admin/policy",
            "generation: 4\nlimits: [{name: per-minute, requests: 5, window: 90x}]",
            "Authorization",
            BEARER);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(refused.json().getString("field")).isEqualTo("limits[0].window");
    assertThat(refused.json().getString("detail"))
        .contains("limits[0].window", "'90x'", "unchanged");
    assertThat(refused.json().getLong("generation")).isEqualTo(3);
    assertThat(
            http.get(agent.management(), "/admin/policy", "Authorization", BEARER)
                .json()
                .getLong("generation"))
        .isEqualTo(3);
    assertThat(http.get(agent.http(), "/api").header("RateLimit-Policy"))
        .isEqualTo("\"per-minute\";q=5;w=60");
  }

  @Test
  @DisplayName("A policy older than the one in force is refused with 409")
  void olderGenerationRefused() {
    start(TOKEN, "generation: 5");
    Reply stale =
        http.put(agent.management(), "/admin/policy", "generation: 4", "Authorization", BEARER);
    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.json().getString("detail"))
        .contains("generation 4 is older than generation 5");
    assertThat(
            http.put(agent.management(), "/admin/policy", "generation: 5", "Authorization", BEARER)
                .status())
        .as("re-pushing the same generation is fine")
        .isEqualTo(200);
  }

  @Test
  @DisplayName("Prometheus metrics count decisions by outcome and show the generation in force")
  void metrics() {
    start(TOKEN, "generation: 9\nlimits: [{name: one, requests: 1, window: 1m}]");
    http.get(agent.http(), "/api");
    http.get(agent.http(), "/api");
    http.get(agent.http(), "/api");
    Reply metrics = http.get(agent.management(), "/metrics");
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.header("Content-Type")).startsWith("text/plain");
    assertThat(metrics.body())
        .contains("ratelimiter_requests_total{outcome=\"allowed\",source=\"api\"} 1.0")
        .contains("ratelimiter_requests_total{outcome=\"rejected\",source=\"api\"} 1.0")
        .contains("ratelimiter_requests_total{outcome=\"rejected_cached\",source=\"api\"} 1.0")
        .contains("ratelimiter_policy_generation 9.0")
        .contains("ratelimiter_store_latency_seconds_count{result=\"ok\"} 2");
  }
}
