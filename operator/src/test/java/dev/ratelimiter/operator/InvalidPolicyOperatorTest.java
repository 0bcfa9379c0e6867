package dev.ratelimiter.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.operator.customresource.AgentSpec;
import dev.ratelimiter.operator.customresource.Backend;
import dev.ratelimiter.operator.customresource.LimitSpec;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** An invalid spec is answered in the status and changes nothing that runs. */
@DisplayName("The operator, given an invalid policy on a mock API server,")
class InvalidPolicyOperatorTest extends OperatorOnMockCluster {

  @Test
  @DisplayName("answers invalid spec.backend with Ready=False InvalidSpec naming the field")
  void invalidBackend() {
    String ns = cluster.newNamespace("invalid-backend");
    apply(ns, "api", new RateLimitPolicySpec());
    awaitReconciled(ns, "api");
    Deployment agent = awaitObject(Deployment.class, ns, "api-agent");

    edit(ns, "api", s -> s.setBackend(new Backend("api", 0, 301)));
    awaitReconciled(ns, "api");
    Condition ready = cluster.get(ns, "api").getStatus().getConditions().get(0);
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("InvalidSpec");
    assertThat(ready.getMessage())
        .contains("spec.backend.service: must not be a Service the operator creates")
        .contains("spec.backend.port: must be between 1 and 65535, got 0")
        .contains("spec.backend.timeoutSeconds: must be between 1 and 300, got 301");
    assertThat(cluster.get(Deployment.class, ns, "api-agent").getSpec()).isEqualTo(agent.getSpec());
  }

  @Test
  @DisplayName(
      "answers an invalid spec with Ready=False InvalidSpec naming the field, and changes nothing that runs")
  void invalidSpecChangesNothing() {
    String ns = cluster.newNamespace("invalid");
    apply(ns, "api", new RateLimitPolicySpec());
    awaitReconciled(ns, "api");
    ConfigMap cm = awaitObject(ConfigMap.class, ns, "api-agent-policy");
    Deployment agent = awaitObject(Deployment.class, ns, "api-agent");

    edit(
        ns,
        "api",
        s -> {
          s.setLimits(
              List.of(new LimitSpec("a", 10, "0s", null), new LimitSpec("a", 0, "1m", null)));
          AgentSpec a = new AgentSpec();
          a.setReplicas(5);
          s.setAgent(a);
        });
    awaitReconciled(ns, "api");
    var status = cluster.get(ns, "api").getStatus();
    assertThat(status.getConditions())
        .extracting(Condition::getType)
        .containsExactly("Ready", "RedisReady", "AgentsReady", "Enforced");
    assertThat(status.getConditions().get(3).getReason()).isEqualTo("InvalidSpec");
    Condition ready = status.getConditions().get(0);
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("InvalidSpec");
    assertThat(ready.getMessage()).contains("spec.limits[0].window: '0s' is outside 1s .. 24h");
    assertThat(
            cluster.get(ConfigMap.class, ns, "api-agent-policy").getMetadata().getResourceVersion())
        .isEqualTo(cm.getMetadata().getResourceVersion());
    Deployment after = cluster.get(Deployment.class, ns, "api-agent");
    assertThat(after.getSpec()).isEqualTo(agent.getSpec());
    assertThat(after.getSpec().getReplicas()).isEqualTo(2);
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(client.v1().events().inNamespace(ns).list().getItems())
                    .extracting(Event::getReason)
                    .contains("InvalidSpec"));

    String other = cluster.newNamespace("invalid-new");
    RateLimitPolicySpec bad = new RateLimitPolicySpec();
    bad.setLimits(List.of(new LimitSpec("Bad_Name", 10, "25h", null)));
    apply(other, "fresh", bad);
    awaitReconciled(other, "fresh");
    assertThat(cluster.get(other, "fresh").getStatus().getConditions().get(0).getMessage())
        .contains("spec.limits[0].name: 'Bad_Name' is not a DNS label");
    assertThat(owned(Deployment.class, other, "fresh")).isEmpty();
    assertThat(owned(ConfigMap.class, other, "fresh")).isEmpty();
    assertThat(owned(Secret.class, other, "fresh")).isEmpty();
    assertThat(owned(Service.class, other, "fresh")).isEmpty();

    edit(ns, "api", s -> s.setLimits(null));
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(cluster.get(Deployment.class, ns, "api-agent").getSpec().getReplicas())
                  .isEqualTo(5);
              assertThat(cluster.get(ns, "api").getStatus().getConditions().get(0).getReason())
                  .isNotEqualTo("InvalidSpec");
            });
  }
}
