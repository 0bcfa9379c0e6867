package dev.ratelimiter.operator;

import static dev.ratelimiter.operator.Policies.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.operator.customresource.AgentSpec;
import dev.ratelimiter.operator.customresource.Autoscaling;
import dev.ratelimiter.operator.customresource.LimitSpec;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("A deleted policy")
class PolicyDeletionTest {

  static final Duration TIMEOUT = Duration.ofSeconds(20);
  static final List<Class<? extends HasMetadata>> KINDS =
      List.of(
          Deployment.class,
          Service.class,
          ConfigMap.class,
          Secret.class,
          HorizontalPodAutoscaler.class,
          PodDisruptionBudget.class,
          NetworkPolicy.class,
          Event.class);
  MockCluster cluster;
  final List<FakeAgent> agents = new ArrayList<>();

  @BeforeAll
  void start() {
    cluster = new MockCluster();
    cluster.startOperator();
  }

  @AfterAll
  void stop() {
    cluster.close();
    agents.forEach(FakeAgent::close);
  }

  /**
   * Everything in {@code ns} of the kinds the operator writes (the kube-root-ca.crt ConfigMap is no
   * concern of a CRUD mock).
   */
  List<HasMetadata> everything(String ns) {
    return KINDS.stream()
        .<HasMetadata>flatMap(
            k -> cluster.client().resources(k).inNamespace(ns).list().getItems().stream())
        .toList();
  }

  @Test
  @DisplayName(
      "leaves nothing behind: every object the operator made for it, Events included, is owned by it, so the garbage collector deletes it")
  void everyObjectIsOwned() {
    String ns = cluster.newNamespace("delete");
    RateLimitPolicySpec spec = new RateLimitPolicySpec();
    AgentSpec agent = new AgentSpec();
    agent.setAutoscaling(new Autoscaling(2, 5, 70));
    spec.setAgent(agent);
    RateLimitPolicy created = cluster.create(policy(ns, "api", spec));
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                cluster.reconciled(ns, "api")
                    && cluster.get(HorizontalPodAutoscaler.class, ns, "api-agent") != null
                    && cluster.get(PodDisruptionBudget.class, ns, "api-agent") != null);
    cluster.edit(
        ns,
        "api",
        s ->
            s.setLimits(
                List.of(new LimitSpec("a", 1, "1d", null)))); // an InvalidSpec Warning Event
    await()
        .atMost(TIMEOUT)
        .until(() -> !cluster.client().v1().events().inNamespace(ns).list().getItems().isEmpty());
    cluster.edit(ns, "api", s -> s.setLimits(null));
    await().atMost(TIMEOUT).until(() -> cluster.reconciled(ns, "api"));

    String uid = created.getMetadata().getUid();
    List<HasMetadata> made = everything(ns);
    assertThat(made)
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .contains(
            "Deployment/api-agent",
            "Deployment/api-redis",
            "Service/api",
            "Service/api-redis",
            "ConfigMap/api-agent-policy",
            "Secret/api-agent-admin",
            "Secret/api-redis-auth",
            "HorizontalPodAutoscaler/api-agent",
            "PodDisruptionBudget/api-agent",
            "NetworkPolicy/api-agent",
            "NetworkPolicy/api-redis");
    assertThat(made)
        .allSatisfy(
            o ->
                assertThat(o.getMetadata().getOwnerReferences())
                    .as(o.getKind() + "/" + o.getMetadata().getName())
                    .singleElement()
                    .satisfies(
                        r -> {
                          assertThat(r.getUid()).isEqualTo(uid);
                          assertThat(r.getKind()).isEqualTo("RateLimitPolicy");
                          assertThat(r.getName()).isEqualTo("api");
                        }));

    cluster.client().resource(cluster.get(ns, "api")).delete();
    await().atMost(TIMEOUT).until(() -> cluster.get(ns, "api") == null);
    // play the garbage collector, which the mock does not run: what it leaves is what a cluster
    // would keep
    everything(ns).stream()
        .filter(
            o ->
                Stream.ofNullable(o.getMetadata().getOwnerReferences())
                    .flatMap(List::stream)
                    .map(OwnerReference::getUid)
                    .anyMatch(uid::equals))
        .forEach(o -> cluster.client().resource(o).delete());
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(everything(ns)).isEmpty());
  }

  @Test
  @DisplayName(
      "is pushed to no more: an agent that kept rejecting its document gets no retry after the deletion")
  void pushesStop() {
    String ns = cluster.newNamespace("delete-push");
    cluster.readyPolicy(ns, "api", TIMEOUT);
    FakeAgent agent = new FakeAgent();
    agents.add(agent);
    agent.rejectWith("limits[0]: refused by the test, so that the operator keeps retrying");
    cluster.runPod(agent.pod(ns, "api", "api-agent-a", true));
    await().atMost(TIMEOUT).until(() -> agent.pushes().size() >= 2); // retried, with backoff

    cluster.client().resource(cluster.get(ns, "api")).delete();
    await().atMost(TIMEOUT).until(() -> cluster.get(ns, "api") == null);
    int atDeletion = agent.pushes().size();
    // the backoff after two rejections is 1 s, then 2 s: a retry loop still running would push
    // within 4 s
    await()
        .during(Duration.ofSeconds(4))
        .atMost(Duration.ofSeconds(6))
        .until(
            () ->
                agent.pushes().size()
                    <= atDeletion + 1); // + one that may have been in flight at the deletion
    assertThat(cluster.client().pods().inNamespace(ns).withName("api-agent-a").get())
        .as("the pod is still there (no GC in the mock)")
        .isNotNull();
  }
}
