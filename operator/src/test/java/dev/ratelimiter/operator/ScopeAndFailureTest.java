package dev.ratelimiter.operator;

import static dev.ratelimiter.operator.Policies.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The operator")
class ScopeAndFailureTest {

  static final Duration TIMEOUT = Duration.ofSeconds(20);
  MockCluster cluster = new MockCluster();

  @AfterEach
  void close() {
    cluster.close();
  }

  @Test
  @DisplayName(
      "reports a failure it cannot fix as Ready=False with a CamelCase reason and a Warning Event")
  void failureBecomesStatusAndEvent() {
    String ns = cluster.newNamespace("denied");
    cluster.forbidCreate("/apis/apps/v1/namespaces/" + ns + "/deployments");
    cluster.startOperator();
    cluster.create(policy(ns, "api", new RateLimitPolicySpec()));

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              var status = cluster.get(ns, "api").getStatus();
              assertThat(status).isNotNull();
              assertThat(status.getConditions())
                  .extracting(Condition::getType, Condition::getStatus, Condition::getReason)
                  .containsExactly(
                      tuple("Ready", "False", "Forbidden"),
                      tuple("RedisReady", "False", "Creating"),
                      tuple("AgentsReady", "False", "Creating"),
                      tuple("Enforced", "False", "NotPushed"));
              assertThat(status.getConditions().get(0).getMessage()).contains("forbidden");
            });
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(cluster.client().v1().events().inNamespace(ns).list().getItems())
                    .extracting(Event::getReason, Event::getType)
                    .contains(tuple("Forbidden", "Warning")));
    assertThat(cluster.get(ConfigMap.class, ns, "api-agent-policy"))
        .as("what could be created was")
        .isNotNull();
    assertThat(cluster.get(Deployment.class, ns, "api-agent")).isNull();
  }

  @Test
  @DisplayName(
      "keeps running when a policy holds values it does not know (a newer CRD), and reports them as InvalidSpec")
  void unknownEnumValuesAreInvalidSpecNotACrash() {
    cluster.startOperator();
    String ns = cluster.newNamespace("newer-crd");
    var raw =
        cluster
            .client()
            .getKubernetesSerialization()
            .unmarshal(
                "apiVersion: ratelimiter.dev/v1alpha1\nkind: RateLimitPolicy\nmetadata: {name: newer, namespace: "
                    + ns
                    + "}\n"
                    + "spec:\n  limits: [{name: a, requests: 1, window: 1m, algorithm: LeakyBucket}]\n"
                    + "  clientKey: {source: Header}\n  failurePolicy: Local\n  agent: {service: {type: ExternalName}}\n",
                io.fabric8.kubernetes.api.model.GenericKubernetesResource.class);
    cluster.client().resource(raw).create();
    cluster.create(policy(ns, "plain", new RateLimitPolicySpec()));

    await()
        .atMost(TIMEOUT)
        .until(() -> cluster.reconciled(ns, "plain") && cluster.reconciled(ns, "newer"));
    Condition ready = cluster.get(ns, "newer").getStatus().getConditions().get(0);
    assertThat(ready.getReason()).isEqualTo("InvalidSpec");
    // the shared policy rules report their first problem; the Kubernetes fields are checked on
    // their own
    assertThat(ready.getMessage())
        .contains(
            "spec.limits[0].algorithm: 'LeakyBucket' is not one of FixedWindow, SlidingWindow, TokenBucket",
            "spec.agent.service.type: value not supported by this operator version");
    assertThat(cluster.get(Deployment.class, ns, "newer-agent")).isNull();
    assertThat(cluster.get(Deployment.class, ns, "plain-agent")).isNotNull();
  }

  @Test
  @DisplayName("watches only the namespaces in WATCH_NAMESPACES")
  void watchesOnlyItsNamespaces() {
    String watched = cluster.newNamespace("watched");
    String other = cluster.newNamespace("other");
    cluster.startOperator(Set.of(watched));
    cluster.create(policy(other, "api", new RateLimitPolicySpec()));
    cluster.create(policy(watched, "api", new RateLimitPolicySpec()));

    await().atMost(TIMEOUT).until(() -> cluster.reconciled(watched, "api"));
    assertThat(cluster.get(Deployment.class, watched, "api-agent")).isNotNull();
    assertThat(cluster.get(other, "api").getStatus()).isNull();
    assertThat(cluster.get(Deployment.class, other, "api-agent")).isNull();
    assertThat(cluster.get(ConfigMap.class, other, "api-agent-policy")).isNull();
  }
}
