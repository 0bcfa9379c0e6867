package dev.ratelimiter.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import dev.ratelimiter.operator.customresource.StatusConditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A policy's status conditions as Redis, the agent replicas and the pushes become ready. */
@DisplayName("The operator, reporting a policy's status on a mock API server,")
class PolicyStatusOperatorTest extends OperatorOnMockCluster {

  @Test
  @DisplayName(
      "reports Ready only once Redis and every agent replica are ready and every ready agent pod enforces the generation, with exactly four conditions")
  void statusFollowsReadiness() {
    String ns = cluster.newNamespace("ready");
    apply(ns, "shop", new RateLimitPolicySpec());
    awaitReconciled(ns, "shop");
    awaitObject(Deployment.class, ns, "shop-agent");
    awaitObject(Deployment.class, ns, "shop-redis");

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(cluster.get(ns, "shop").getStatus().getConditions())
                    .extracting(Condition::getType, Condition::getStatus, Condition::getReason)
                    .containsExactly(
                        tuple("Ready", "False", "RedisNotReady"),
                        tuple("RedisReady", "False", "DeploymentNotReady"),
                        tuple("AgentsReady", "False", "ReplicasNotReady"),
                        tuple("Enforced", "False", "NoReadyAgents")));
    String redisNotReadySince =
        StatusConditions.find(cluster.get(ns, "shop").getStatus().getConditions(), "AgentsReady")
            .getLastTransitionTime();

    cluster.markReady(ns, "shop-redis");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(cluster.get(ns, "shop").getStatus().getConditions())
                    .extracting(Condition::getType, Condition::getStatus, Condition::getReason)
                    .containsExactly(
                        tuple("Ready", "False", "AgentsNotReady"),
                        tuple("RedisReady", "True", "DeploymentReady"),
                        tuple("AgentsReady", "False", "ReplicasNotReady"),
                        tuple("Enforced", "False", "NoReadyAgents")));
    assertThat(
            StatusConditions.find(
                    cluster.get(ns, "shop").getStatus().getConditions(), "AgentsReady")
                .getLastTransitionTime())
        .as("an unchanged condition keeps its transition time")
        .isEqualTo(redisNotReadySince);

    cluster.markReady(ns, "shop-agent");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(cluster.get(ns, "shop").getStatus().getConditions())
                    .extracting(Condition::getType, Condition::getStatus, Condition::getReason)
                    .containsExactly(
                        tuple("Ready", "False", "NotEnforced"),
                        tuple("RedisReady", "True", "DeploymentReady"),
                        tuple("AgentsReady", "True", "ReplicasReady"),
                        tuple("Enforced", "False", "NoReadyAgents")));

    FakeAgent first = runAgentPod(ns, "shop", "shop-agent-a");
    FakeAgent second = runAgentPod(ns, "shop", "shop-agent-b");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              var status = cluster.get(ns, "shop").getStatus();
              assertThat(status.getConditions())
                  .extracting(
                      Condition::getType,
                      Condition::getStatus,
                      Condition::getReason,
                      Condition::getObservedGeneration)
                  .containsExactly(
                      tuple("Ready", "True", "Ready", 1L),
                      tuple("RedisReady", "True", "DeploymentReady", 1L),
                      tuple("AgentsReady", "True", "ReplicasReady", 1L),
                      tuple("Enforced", "True", "AllAgentsEnforce", 1L));
              assertThat(status.getAgents().getEnforcing()).isEqualTo(2);
              assertThat(status.getConditions())
                  .allSatisfy(c -> assertThat(c.getLastTransitionTime()).isNotBlank());
              assertThat(status.getConditions())
                  .allSatisfy(c -> assertThat(c.getMessage()).isNotBlank());
              assertThat(status.getObservedGeneration()).isEqualTo(1L);
              assertThat(status.getAgents().getReplicas()).isEqualTo(2);
              assertThat(status.getAgents().getReady()).isEqualTo(2);
              assertThat(status.getEndpoint()).isEqualTo("http://shop." + ns + ".svc:80/api");
              assertThat(status.getLimits()).isEqualTo("default=10/1m");
            });
    assertThat(first.running()).isEqualTo(1);
    assertThat(second.running()).isEqualTo(1);
  }
}
