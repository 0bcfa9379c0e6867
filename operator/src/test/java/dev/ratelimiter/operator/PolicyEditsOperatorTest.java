package dev.ratelimiter.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.operator.customresource.AgentServiceSpec;
import dev.ratelimiter.operator.customresource.AgentSpec;
import dev.ratelimiter.operator.customresource.Autoscaling;
import dev.ratelimiter.operator.customresource.Backend;
import dev.ratelimiter.operator.customresource.LimitSpec;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import dev.ratelimiter.operator.customresource.ServiceType;
import dev.ratelimiter.policy.Limit;
import dev.ratelimiter.policy.Policy;
import dev.ratelimiter.policy.PolicyParser;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What an edit of a policy, or a hand edit of its objects, does to the objects that run. */
@DisplayName("The operator, following a policy's edits on a mock API server,")
class PolicyEditsOperatorTest extends OperatorOnMockCluster {

  @Test
  @DisplayName("follows edits of limits, replicas and service type")
  void updatesFollowEdits() {
    String ns = cluster.newNamespace("edit");
    apply(ns, "api", new RateLimitPolicySpec());
    awaitReconciled(ns, "api");
    awaitObject(ConfigMap.class, ns, "api-agent-policy");

    edit(
        ns,
        "api",
        s -> {
          s.setLimits(
              List.of(
                  new LimitSpec("per-second", 5, "1s", "FixedWindow"),
                  new LimitSpec("per-hour", 1000, "1h30m", null)));
          AgentSpec agent = new AgentSpec();
          agent.setReplicas(3);
          agent.setService(new AgentServiceSpec(ServiceType.LoadBalancer, 8080));
          s.setAgent(agent);
        });
    awaitReconciled(ns, "api");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              Policy doc =
                  PolicyParser.parse(
                      cluster
                          .get(ConfigMap.class, ns, "api-agent-policy")
                          .getData()
                          .get("policy.yaml"));
              assertThat(doc.generation()).isEqualTo(2);
              assertThat(doc.limits())
                  .containsExactly(
                      new Limit("per-second", 5, 1, dev.ratelimiter.policy.Algorithm.FixedWindow),
                      new Limit(
                          "per-hour", 1000, 5400, dev.ratelimiter.policy.Algorithm.FixedWindow));
              assertThat(cluster.get(Deployment.class, ns, "api-agent").getSpec().getReplicas())
                  .isEqualTo(3);
              Service svc = cluster.get(Service.class, ns, "api");
              assertThat(svc.getSpec().getType()).isEqualTo("LoadBalancer");
              assertThat(svc.getSpec().getExternalTrafficPolicy()).isEqualTo("Local");
              assertThat(svc.getSpec().getPorts().get(0).getPort()).isEqualTo(8080);
            });

    edit(ns, "api", s -> s.getAgent().setReplicas(1));
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(cluster.get(Deployment.class, ns, "api-agent").getSpec().getReplicas())
                  .isEqualTo(1);
              assertThat(cluster.get(PodDisruptionBudget.class, ns, "api-agent"))
                  .as("no PDB for a single replica")
                  .isNull();
            });
  }

  @Test
  @DisplayName("restores deleted and hand-edited objects")
  void restoresDeletedAndEditedObjects() {
    String ns = cluster.newNamespace("repair");
    apply(ns, "api", new RateLimitPolicySpec());
    awaitReconciled(ns, "api");
    ConfigMap original = awaitObject(ConfigMap.class, ns, "api-agent-policy");
    awaitObject(Deployment.class, ns, "api-agent");
    awaitObject(Service.class, ns, "api-redis");

    client.resource(original).delete();
    client.services().inNamespace(ns).withName("api-redis").delete();
    client
        .apps()
        .deployments()
        .inNamespace(ns)
        .withName("api-agent")
        .edit(
            d -> {
              d.getSpec().setReplicas(7);
              d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("evil:latest");
              return d;
            });
    client
        .services()
        .inNamespace(ns)
        .withName("api")
        .edit(
            s -> {
              s.getSpec().getPorts().get(0).setPort(1234);
              return s;
            });

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              ConfigMap cm = cluster.get(ConfigMap.class, ns, "api-agent-policy");
              assertThat(cm).isNotNull();
              assertThat(cm.getData()).isEqualTo(original.getData());
              assertThat(cluster.get(Service.class, ns, "api-redis")).isNotNull();
              Deployment d = cluster.get(Deployment.class, ns, "api-agent");
              assertThat(d.getSpec().getReplicas()).isEqualTo(2);
              assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                  .isEqualTo(MockCluster.AGENT_IMAGE);
              assertThat(
                      cluster.get(Service.class, ns, "api").getSpec().getPorts().get(0).getPort())
                  .isEqualTo(80);
            });
  }

  @Test
  @DisplayName(
      "creates an HPA that owns the replica count when autoscaling is on, and removes it when off")
  void autoscalingOnAndOff() {
    String ns = cluster.newNamespace("hpa");
    apply(ns, "api", new RateLimitPolicySpec());
    awaitReconciled(ns, "api");
    awaitObject(Deployment.class, ns, "api-agent");

    edit(
        ns,
        "api",
        s -> {
          AgentSpec agent = new AgentSpec();
          agent.setAutoscaling(new Autoscaling(3, 9, 60));
          s.setAgent(agent);
        });
    HorizontalPodAutoscaler hpa = awaitObject(HorizontalPodAutoscaler.class, ns, "api-agent");
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(3);
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(9);
    assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("api-agent");
    assertThat(hpa.getSpec().getMetrics())
        .singleElement()
        .satisfies(
            m -> assertThat(m.getResource().getTarget().getAverageUtilization()).isEqualTo(60));
    awaitReconciled(ns, "api");

    // play the HPA: scale the Deployment, then make the operator reconcile again
    client
        .apps()
        .deployments()
        .inNamespace(ns)
        .withName("api-agent")
        .edit(
            d -> {
              d.getSpec().setReplicas(6);
              return d;
            });
    edit(ns, "api", s -> s.setLimits(List.of(new LimitSpec("default", 20, "1m", null))));
    awaitReconciled(ns, "api");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(
                        PolicyParser.parse(
                                cluster
                                    .get(ConfigMap.class, ns, "api-agent-policy")
                                    .getData()
                                    .get("policy.yaml"))
                            .limits()
                            .get(0)
                            .requests())
                    .isEqualTo(20));
    assertThat(cluster.get(Deployment.class, ns, "api-agent").getSpec().getReplicas())
        .as("left to the HPA")
        .isEqualTo(6);

    // a change that does rewrite the Deployment keeps the HPA's count too
    edit(
        ns,
        "api",
        s ->
            s.getAgent()
                .setResources(
                    new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
                        .addToRequests("cpu", new io.fabric8.kubernetes.api.model.Quantity("100m"))
                        .build()));
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              Deployment d = cluster.get(Deployment.class, ns, "api-agent");
              assertThat(
                      d.getSpec()
                          .getTemplate()
                          .getSpec()
                          .getContainers()
                          .get(0)
                          .getResources()
                          .getRequests())
                  .containsEntry("cpu", new io.fabric8.kubernetes.api.model.Quantity("100m"));
              assertThat(d.getSpec().getReplicas()).as("left to the HPA").isEqualTo(6);
            });

    edit(ns, "api", s -> s.getAgent().setAutoscaling(null));
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(cluster.get(HorizontalPodAutoscaler.class, ns, "api-agent")).isNull();
              assertThat(cluster.get(Deployment.class, ns, "api-agent").getSpec().getReplicas())
                  .isEqualTo(2);
            });
  }

  @Test
  @DisplayName(
      "renders the backend settings into the agents' env, follows edits, and removes them when spec.backend is removed")
  void backendOnAndOff() {
    String ns = cluster.newNamespace("backend");
    RateLimitPolicySpec spec = new RateLimitPolicySpec();
    spec.setBackend(new Backend("shop-api", 8080, null));
    apply(ns, "api", spec);
    awaitReconciled(ns, "api");
    Deployment agent = awaitObject(Deployment.class, ns, "api-agent");
    assertThat(agentEnv(agent))
        .extracting(EnvVar::getName, EnvVar::getValue)
        .contains(
            tuple("BACKEND_URL", "http://shop-api." + ns + ".svc:8080"),
            tuple("BACKEND_TIMEOUT_MS", "30000"));

    edit(ns, "api", s -> s.setBackend(new Backend("shop-api-v2", 9000, 5)));
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(agentEnv(cluster.get(Deployment.class, ns, "api-agent")))
                    .extracting(EnvVar::getName, EnvVar::getValue)
                    .contains(
                        tuple("BACKEND_URL", "http://shop-api-v2." + ns + ".svc:9000"),
                        tuple("BACKEND_TIMEOUT_MS", "5000")));

    // an admin's edit without the field (kubectl apply of a file without backend, an RFC 7386
    // merge patch {"spec": {"backend": null}}): the whole resource is replaced without it
    replaceWithout(ns, "api", s -> s.setBackend(null));
    awaitReconciled(ns, "api");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(agentEnv(cluster.get(Deployment.class, ns, "api-agent")))
                    .extracting(EnvVar::getName)
                    .containsExactly(
                        "BIND_ADDRESS",
                        "HTTP_PORT",
                        "MANAGEMENT_PORT",
                        "GRPC_PORT",
                        "POLICY_FILE",
                        "REDIS_URL",
                        "REDIS_PASSWORD",
                        "ADMIN_TOKEN"));
  }
}
