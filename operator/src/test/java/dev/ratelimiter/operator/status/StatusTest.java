package dev.ratelimiter.operator.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.ratelimiter.operator.RateLimitPolicyReconciler;
import dev.ratelimiter.operator.customresource.AgentsStatus;
import dev.ratelimiter.operator.customresource.RateLimitPolicyStatus;
import dev.ratelimiter.operator.customresource.StatusConditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Status")
class StatusTest {

  static Clock at(String instant) {
    return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
  }

  @Test
  @DisplayName(
      "conditions keep lastTransitionTime while their status holds and are restamped when it flips")
  void transitionTimes() {
    List<Condition> first =
        StatusConditions.withTransitionTimes(
            null,
            List.of(
                StatusConditions.condition("Ready", false, "AgentsNotReady", "0 of 2", 1L),
                StatusConditions.condition("RedisReady", true, "DeploymentReady", "ok", 1L)),
            at("2026-01-01T00:00:00Z"));
    assertThat(first)
        .extracting(Condition::getLastTransitionTime)
        .containsOnly("2026-01-01T00:00:00Z");

    List<Condition> second =
        StatusConditions.withTransitionTimes(
            first,
            List.of(
                StatusConditions.condition("Ready", true, "Ready", "2 agents", 2L),
                StatusConditions.condition("RedisReady", true, "DeploymentReady", "still ok", 2L)),
            at("2026-01-01T00:05:00Z"));
    assertThat(second)
        .extracting(Condition::getType, Condition::getLastTransitionTime)
        .containsExactly(
            tuple("Ready", "2026-01-01T00:05:00Z"), tuple("RedisReady", "2026-01-01T00:00:00Z"));
  }

  @Test
  @DisplayName("a condition's message is bounded to 1024 characters")
  void messagesAreBounded() {
    String message =
        StatusConditions.condition("Ready", false, "X", "x".repeat(5000), 1L).getMessage();
    assertThat(message).hasSize(1024).endsWith("…");
  }

  @Test
  @DisplayName(
      "the writer's merge of an unchanged status equals the stored one, so nothing is written")
  void unchangedStatusIsNotRewritten() {
    StatusWriter writer = new StatusWriter(at("2026-01-01T00:00:00Z"));
    RateLimitPolicyStatus computed = new RateLimitPolicyStatus();
    computed.setObservedGeneration(3L);
    computed.setConditions(List.of(StatusConditions.condition("Ready", true, "Ready", "ok", 3L)));
    computed.setAgents(new AgentsStatus(2, 2, 2));
    RateLimitPolicyStatus stored = writer.merge(null, computed);

    StatusWriter later = new StatusWriter(at("2026-01-01T01:00:00Z"));
    assertThat(later.merge(stored, computed)).isEqualTo(stored);
    computed.setAgents(new AgentsStatus(2, 1, 1));
    assertThat(later.merge(stored, computed)).isNotEqualTo(stored);
  }

  @Test
  @DisplayName("failures become CamelCase reasons by their exception type")
  void reasons() {
    assertThat(FailureReasons.reasonFor(new KubernetesClientException("no", 401, null)))
        .isEqualTo("Unauthorized");
    assertThat(FailureReasons.reasonFor(new KubernetesClientException("no", 403, null)))
        .isEqualTo("Forbidden");
    assertThat(FailureReasons.reasonFor(new KubernetesClientException("gone", 404, null)))
        .isEqualTo("NotFound");
    assertThat(FailureReasons.reasonFor(new KubernetesClientException("late", 409, null)))
        .isEqualTo("Conflict");
    assertThat(FailureReasons.reasonFor(new KubernetesClientException("bad", 422, null)))
        .isEqualTo("Invalid");
    assertThat(FailureReasons.reasonFor(new KubernetesClientException("slow down", 429, null)))
        .isEqualTo("TooManyRequests");
    assertThat(FailureReasons.reasonFor(new KubernetesClientException("boom", 503, null)))
        .isEqualTo("ApiServerError");
    assertThat(FailureReasons.reasonFor(new KubernetesClientException("odd", 418, null)))
        .isEqualTo("ApiError");
    assertThat(FailureReasons.reasonFor(new RuntimeException(new HttpTimeoutException("slow"))))
        .isEqualTo("Timeout");
    assertThat(FailureReasons.reasonFor(new RuntimeException(new IOException("refused"))))
        .isEqualTo("ApiUnreachable");
    assertThat(FailureReasons.reasonFor(new IllegalStateException("?")))
        .isEqualTo("ReconcileError");
    var aggregated =
        new AggregatedOperatorException(
            "workflow failed",
            Map.of(
                RateLimitPolicyReconciler.AGENT_DEPLOYMENT,
                new KubernetesClientException("quota exceeded", 403, null)));
    assertThat(FailureReasons.reasonFor(aggregated)).isEqualTo("Forbidden");
    assertThat(FailureReasons.messageFor(aggregated))
        .isEqualTo("dependent agent-deployment: quota exceeded");
    var wrapped = new io.javaoperatorsdk.operator.OperatorException(aggregated);
    assertThat(FailureReasons.reasonFor(wrapped))
        .as("as JOSDK's metrics wrap it")
        .isEqualTo("Forbidden");
    assertThat(FailureReasons.messageFor(wrapped))
        .isEqualTo("dependent agent-deployment: quota exceeded");
    assertThat(
            FailureReasons.messageFor(
                new io.javaoperatorsdk.operator.OperatorException(
                    new KubernetesClientException("no", 403, null))))
        .isEqualTo("no");
    assertThat(
            FailureReasons.messageFor(
                new RuntimeException(null, new IOException("refused\n  twice"))))
        .isEqualTo("refused twice");
  }
}
