package dev.ratelimiter.operator;

import static dev.ratelimiter.operator.Policies.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.operator.customresource.AgentSpec;
import dev.ratelimiter.operator.customresource.Autoscaling;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import dev.ratelimiter.operator.customresource.StatusConditions;
import dev.ratelimiter.operator.spec.Labels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A restarted operator")
class OperatorRestartTest {

  static final Duration TIMEOUT = Duration.ofSeconds(20);
  static final List<Class<? extends HasMetadata>> KINDS =
      List.of(
          Deployment.class,
          Service.class,
          ConfigMap.class,
          Secret.class,
          NetworkPolicy.class,
          PodDisruptionBudget.class,
          HorizontalPodAutoscaler.class);

  MockCluster cluster = new MockCluster();

  FakeAgent fakeAgent = new FakeAgent();

  @AfterEach
  void close() {
    cluster.close();
    fakeAgent.close();
  }

  /**
   * kind/name -> resourceVersion of every object labelled as made by the operator in {@code ns}.
   */
  Map<String, String> objects(String ns) {
    Map<String, String> out = new TreeMap<>();
    for (var kind : KINDS) {
      for (HasMetadata o :
          cluster
              .client()
              .resources(kind)
              .inNamespace(ns)
              .withLabel(Labels.MANAGED_BY, Labels.OPERATOR)
              .list()
              .getItems()) {
        String previous =
            out.put(
                o.getKind() + "/" + o.getMetadata().getName(),
                o.getMetadata().getResourceVersion());
        assertThat(previous)
            .as("duplicate " + o.getKind() + "/" + o.getMetadata().getName())
            .isNull();
      }
    }
    return out;
  }

  @Test
  @DisplayName(
      "creates no duplicates, rotates no secret and rewrites nothing that is already right")
  void restartIsANoOp() {
    cluster.startOperator();
    String ns = cluster.newNamespace("restart");
    cluster.create(policy(ns, "plain", new RateLimitPolicySpec()));
    RateLimitPolicySpec scaled = new RateLimitPolicySpec();
    AgentSpec agent = new AgentSpec();
    agent.setAutoscaling(new Autoscaling(2, 4, null));
    scaled.setAgent(agent);
    cluster.create(policy(ns, "scaled", scaled));
    await()
        .atMost(TIMEOUT)
        .until(() -> cluster.reconciled(ns, "plain") && cluster.reconciled(ns, "scaled"));
    // plain: 10 objects (no HPA); scaled: 11 (with HPA)
    await().atMost(TIMEOUT).until(() -> objects(ns).size() == 10 + 11);
    cluster.markReady(ns, "plain-agent");
    cluster.markReady(ns, "plain-redis");
    cluster.runPod(fakeAgent.pod(ns, "plain", "plain-agent-a", true));
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                "True"
                    .equals(
                        StatusConditions.find(
                                cluster.get(ns, "plain").getStatus().getConditions(), "Ready")
                            .getStatus()));
    Map<String, String> before = objects(ns);
    String plainStatusVersion = cluster.get(ns, "plain").getMetadata().getResourceVersion();

    cluster.stopOperator();
    int pushedBefore = fakeAgent.pushes().size();
    // while it is down, one object goes missing: proof that the new operator reconciled
    cluster.client().configMaps().inNamespace(ns).withName("scaled-agent-policy").delete();
    cluster.startOperator();

    await()
        .atMost(TIMEOUT)
        .until(() -> cluster.get(ConfigMap.class, ns, "scaled-agent-policy") != null);
    Map<String, String> after = objects(ns);
    assertThat(after.keySet()).isEqualTo(before.keySet());
    before.remove("ConfigMap/scaled-agent-policy");
    after.remove("ConfigMap/scaled-agent-policy");
    assertThat(after).as("resourceVersions: nothing rewritten").isEqualTo(before);
    await().atMost(TIMEOUT).until(() -> fakeAgent.pushes().size() > pushedBefore);
    assertThat(fakeAgent.pushes())
        .as("the new operator re-pushed the same generation")
        .extracting(FakeAgent.Push::generation)
        .containsOnly(1L);
    assertThat(cluster.get(ns, "plain").getMetadata().getResourceVersion())
        .as("an unchanged status is not written again")
        .isEqualTo(plainStatusVersion);
  }
}
