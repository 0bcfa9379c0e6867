package dev.ratelimiter.operator.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.operator.FakeAgent;
import dev.ratelimiter.operator.MockCluster;
import dev.ratelimiter.operator.Policies;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import dev.ratelimiter.operator.customresource.StatusConditions;
import dev.ratelimiter.operator.metrics.OperatorMetrics;
import dev.ratelimiter.testsupport.net.Ports;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After {@code package} (failsafe): the dashboard in deploy/monitoring/ queries only metrics the
 * project really exports, read from the real {@code /metrics} of a running agent.jar (with a
 * backend, so its backend metrics exist) and of the real operator after reconciles that pushed, and
 * one that failed.
 */
@DisplayName("The Grafana dashboard in deploy/monitoring/")
class MonitoringDashboardIT {

  static final Duration TIMEOUT = Duration.ofSeconds(30);
  @TempDir Path dir;

  static int freePort() {
    return Ports.free();
  }

  static String get(String url) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
    return r.statusCode() + "\n" + r.body();
  }

  /**
   * The series the agent exports once it has answered requests, with a backend that refuses
   * connections.
   */
  Set<String> agentSeries() throws Exception {
    Path jar = Install.ROOT.resolve("agent/target/agent.jar");
    assertThat(jar).as("build it first: mvn -B -pl agent package").isRegularFile();
    int http = freePort();
    int management = freePort();
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString())
            .redirectOutput(dir.resolve("agent.out").toFile())
            .redirectError(dir.resolve("agent.err").toFile());
    pb.environment()
        .keySet()
        .removeIf(
            k ->
                List.of("POLICY_FILE", "REDIS_URL", "ADMIN_TOKEN", "BACKEND_TIMEOUT_MS")
                    .contains(k));
    pb.environment().put("BIND_ADDRESS", "127.0.0.1");
    pb.environment().put("HTTP_PORT", String.valueOf(http));
    pb.environment().put("MANAGEMENT_PORT", String.valueOf(management));
    pb.environment().put("BACKEND_URL", "http://127.0.0.1:" + freePort());
    Process agent = pb.start();
    try {
      await()
          .atMost(TIMEOUT)
          .ignoreExceptions()
          .until(() -> get("http://127.0.0.1:" + management + "/health/live").startsWith("200"));
      for (int i = 0; i < 12; i++) {
        get("http://127.0.0.1:" + http + "/api/orders");
      }
      String metrics = get("http://127.0.0.1:" + management + "/metrics");
      assertThat(metrics).startsWith("200");
      return Monitoring.seriesNames(metrics.substring(4));
    } finally {
      agent.destroy();
      agent.waitFor(10, TimeUnit.SECONDS);
      agent.destroyForcibly();
    }
  }

  /**
   * The series the operator exports after reconciles that pushed to an agent, and one that failed.
   */
  static Set<String> operatorSeries() {
    OperatorMetrics metrics = new OperatorMetrics();
    try (MockCluster cluster = new MockCluster();
        FakeAgent agent = new FakeAgent()) {
      String denied = cluster.newNamespace("denied");
      cluster.forbidCreate("/apis/apps/v1/namespaces/" + denied + "/deployments");
      cluster.startOperator(MockCluster.settings(), metrics, o -> {});
      String ns = cluster.newNamespace("pushed");
      cluster.readyPolicy(ns, "api", TIMEOUT);
      cluster.runPod(agent.pod(ns, "api", "api-agent-0", true));
      cluster.create(Policies.policy(denied, "api", new RateLimitPolicySpec()));
      await()
          .atMost(TIMEOUT)
          .until(
              () ->
                  StatusConditions.isTrue(
                      StatusConditions.find(
                          cluster.get(ns, "api").getStatus().getConditions(),
                          StatusConditions.ENFORCED)));
      await().atMost(TIMEOUT).until(() -> cluster.get(denied, "api").getStatus() != null);
      // JOSDK counts the failure after the error status is written
      await()
          .atMost(TIMEOUT)
          .until(
              () ->
                  Monitoring.seriesNames(metrics.scrape())
                      .contains("operator_sdk_reconciliations_failed_total"));
      return Monitoring.seriesNames(metrics.scrape());
    }
  }

  @Test
  @DisplayName("uses only metric names that the agent's or the operator's real /metrics serve")
  void usesOnlyExportedMetrics() throws Exception {
    Set<String> exported = new TreeSet<>(agentSeries());
    Set<String> operator = operatorSeries();
    exported.addAll(operator);
    Set<String> used = new TreeSet<>();
    Monitoring.expressions(Monitoring.dashboard())
        .forEach(e -> used.addAll(Monitoring.metricNames(e)));
    assertThat(used)
        .as("the dashboard's metric names")
        .isNotEmpty()
        .allSatisfy(name -> assertThat(exported).as("exported series").contains(name));
    assertThat(used)
        .as("both sides are on the dashboard")
        .anyMatch(n -> n.startsWith("operator_sdk_"))
        .anyMatch(n -> n.startsWith("ratelimiter_operator_"))
        .anyMatch(n -> n.startsWith("ratelimiter_backend_"))
        .anyMatch(n -> n.startsWith("ratelimiter_requests"));
    assertThat(operator)
        .contains(
            "operator_sdk_reconciliations_failed_total",
            "ratelimiter_operator_pushes_total",
            "ratelimiter_operator_push_latency_seconds_bucket");
  }
}
