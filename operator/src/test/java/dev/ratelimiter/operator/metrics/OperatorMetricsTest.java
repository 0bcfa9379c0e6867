package dev.ratelimiter.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.operator.FakeAgent;
import dev.ratelimiter.operator.HealthServer;
import dev.ratelimiter.operator.MockCluster;
import dev.ratelimiter.operator.customresource.StatusConditions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("The operator's /metrics on its health port")
class OperatorMetricsTest {

  static final Duration TIMEOUT = Duration.ofSeconds(20);
  MockCluster cluster;
  OperatorMetrics metrics;
  HealthServer health;
  FakeAgent agent;
  FakeAgent rejecting;

  @BeforeAll
  void start() throws IOException {
    cluster = new MockCluster();
    metrics = new OperatorMetrics();
    cluster.startOperator(MockCluster.settings(), metrics, o -> {});
    health = new HealthServer(0, () -> true, () -> true, metrics::scrape);
    agent = new FakeAgent();
    rejecting = new FakeAgent();
    rejecting.rejectWith("limits[0]: no");
  }

  @AfterAll
  void stop() {
    health.close();
    cluster.close();
    agent.close();
    rejecting.close();
  }

  /** A fresh scrape of {@code GET /metrics}, as Prometheus would make it. */
  String scrape() throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + health.port() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
    return r.body();
  }

  /**
   * The value of the sample {@code series} (name and labels exactly as exposed), or -1 when absent.
   */
  static double value(String text, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  @Test
  @DisplayName(
      "serves JOSDK's reconcile counts and durations and the operator's pushes by outcome and their latency")
  void servesReconcilesAndPushes() throws Exception {
    String before = scrape();
    assertThat(value(before, "ratelimiter_operator_pushes_total{outcome=\"confirmed\"}"))
        .as("every outcome from the start")
        .isEqualTo(0);
    assertThat(value(before, "ratelimiter_operator_pushes_total{outcome=\"rejected\"}"))
        .isEqualTo(0);

    String ns = cluster.newNamespace("metrics");
    cluster.readyPolicy(ns, "api", TIMEOUT);
    cluster.runPod(agent.pod(ns, "api", "api-agent-0", true));
    cluster.runPod(rejecting.pod(ns, "api", "api-agent-1", true));
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(
                        StatusConditions.find(
                                cluster.get(ns, "api").getStatus().getConditions(), "Enforced")
                            .getReason())
                    .isEqualTo("AgentRejectedPolicy"));

    String text = scrape();
    assertThat(value(text, "ratelimiter_operator_pushes_total{outcome=\"confirmed\"}"))
        .isGreaterThanOrEqualTo(1);
    assertThat(value(text, "ratelimiter_operator_pushes_total{outcome=\"rejected\"}"))
        .isGreaterThanOrEqualTo(1);
    assertThat(value(text, "ratelimiter_operator_pushes_total{outcome=\"unreachable\"}"))
        .isEqualTo(0);
    assertThat(value(text, "ratelimiter_operator_push_latency_seconds_count"))
        .isGreaterThanOrEqualTo(2);
    assertThat(text).contains("ratelimiter_operator_push_latency_seconds_bucket{le=\"+Inf\"}");
    assertThat(text)
        .containsPattern("(?m)^operator_sdk_reconciliations_started_total\\{[^}]*\\} [1-9]");
    assertThat(text)
        .containsPattern("(?m)^operator_sdk_reconciliations_success_total\\{[^}]*\\} [1-9]");
    assertThat(text)
        .containsPattern(
            "(?m)^operator_sdk_controllers_execution_reconcile_seconds_count\\{[^}]*controller=\"ratelimitpolicy\"[^}]*\\} [1-9]");
    assertThat(text).as("no per-resource series").doesNotContain("name=\"api\"");
  }
}
