package dev.ratelimiter.operator;

import static dev.ratelimiter.operator.Policies.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ratelimiter.operator.customresource.AgentServiceSpec;
import dev.ratelimiter.operator.customresource.AgentSpec;
import dev.ratelimiter.operator.customresource.Autoscaling;
import dev.ratelimiter.operator.customresource.Backend;
import dev.ratelimiter.operator.customresource.ClientKey;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import dev.ratelimiter.operator.customresource.ServiceType;
import dev.ratelimiter.operator.dependent.AgentDeploymentDependentResource;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Each field an admin can remove from a policy, removed with an RFC 7386 merge patch ({@link
 * MergePatch}), leaves the live objects; what others own (server defaults, the HPA's replica count,
 * labels and annotations others add) stays. Service type and the operator's Redis: {@link
 * ServiceAndRedisRemovalsTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("A field removed from a policy by a merge patch leaves the live objects:")
class RemovalsTest {

  static final Duration TIMEOUT = Duration.ofSeconds(20);
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

  String create(String prefix, Consumer<RateLimitPolicySpec> build) {
    String ns = cluster.newNamespace(prefix);
    RateLimitPolicySpec spec = Policies.spec(build);
    cluster.create(policy(ns, "api", spec));
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                cluster.reconciled(ns, "api")
                    && cluster.get(Deployment.class, ns, "api-agent") != null);
    return ns;
  }

  void patch(String ns, String json) {
    MergePatch.apply(
        cluster, dev.ratelimiter.operator.customresource.RateLimitPolicy.class, ns, "api", json);
  }

  Deployment agentDeployment(String ns) {
    return cluster.get(Deployment.class, ns, "api-agent");
  }

  static List<EnvVar> env(Deployment d) {
    return d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
  }

  @Test
  @DisplayName("(the merge patch applied is RFC 7386's: the RFC's own examples)")
  void mergePatchIsRfc7386() throws Exception {
    ObjectMapper json = new ObjectMapper();
    for (String[] e : MergePatch.rfcExamples()) {
      assertThat(MergePatch.merge(json.readTree(e[0]), json.readTree(e[1])))
          .as("%s + %s", e[0], e[1])
          .isEqualTo(json.readTree(e[2]));
    }
  }

  @Test
  @DisplayName(
      "spec.agent.resources, a part and then all of it: the container gets the rest, then the defaults; others' labels and annotations stay")
  void resources() {
    String ns =
        create(
            "rm-resources",
            s -> {
              AgentSpec agent = new AgentSpec();
              agent.setResources(
                  new ResourceRequirementsBuilder()
                      .addToRequests("cpu", new Quantity("200m"))
                      .addToLimits("memory", new Quantity("300Mi"))
                      .build());
              s.setAgent(agent);
            });
    cluster.edit(
        Deployment.class,
        ns,
        "api-agent",
        d -> {
          d.getMetadata().getLabels().put("team.example/owner", "payments");
          d.getMetadata().setAnnotations(Map.of("deployment.kubernetes.io/revision", "1"));
          d.getSpec()
              .getTemplate()
              .getMetadata()
              .getAnnotations()
              .put("kubectl.kubernetes.io/restartedAt", "2026-01-01T00:00:00Z");
          return d;
        });

    patch(ns, "{\"spec\":{\"agent\":{\"resources\":{\"limits\":null}}}}");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              var resources =
                  agentDeployment(ns)
                      .getSpec()
                      .getTemplate()
                      .getSpec()
                      .getContainers()
                      .get(0)
                      .getResources();
              assertThat(resources.getRequests()).isEqualTo(Map.of("cpu", new Quantity("200m")));
              assertThat(resources.getLimits()).isNullOrEmpty();
            });

    patch(ns, "{\"spec\":{\"agent\":{\"resources\":null}}}");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(
                        agentDeployment(ns)
                            .getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .get(0)
                            .getResources())
                    .isEqualTo(AgentDeploymentDependentResource.DEFAULT_RESOURCES));
    Deployment d = agentDeployment(ns);
    assertThat(d.getMetadata().getLabels()).containsEntry("team.example/owner", "payments");
    assertThat(d.getMetadata().getAnnotations())
        .containsEntry("deployment.kubernetes.io/revision", "1");
    assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations())
        .as("kubectl rollout restart's annotation, kept: dropping it would roll the pods again")
        .containsEntry("kubectl.kubernetes.io/restartedAt", "2026-01-01T00:00:00Z");
  }

  @Test
  @DisplayName("spec.backend: the agents' env loses BACKEND_URL and BACKEND_TIMEOUT_MS")
  void backend() {
    String ns = create("rm-backend", s -> s.setBackend(new Backend("shop-api", 8080, 5)));
    assertThat(env(agentDeployment(ns)))
        .extracting(EnvVar::getName)
        .contains("BACKEND_URL", "BACKEND_TIMEOUT_MS");

    patch(ns, "{\"spec\":{\"backend\":null}}");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(env(agentDeployment(ns)))
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

  @Test
  @DisplayName(
      "spec.clientKey.trustedProxies: the ConfigMap and the document pushed to the agent pods trust no proxy any more")
  void trustedProxies() {
    String ns =
        create(
            "rm-proxies",
            s -> {
              ClientKey key = new ClientKey();
              key.setTrustedProxies(List.of("10.0.4.17/32"));
              s.setClientKey(key);
            });
    cluster.markReady(ns, "api-redis");
    cluster.markReady(ns, "api-agent");
    FakeAgent agent = new FakeAgent();
    agents.add(agent);
    cluster.runPod(agent.pod(ns, "api", "api-agent-a", true));
    await().atMost(TIMEOUT).until(() -> agent.running() == 1);
    assertThat(agent.pushes())
        .last()
        .satisfies(p -> assertThat(p.body()).contains("trustedProxies").contains("10.0.4.17/32"));

    patch(ns, "{\"spec\":{\"clientKey\":{\"trustedProxies\":null}}}");
    await().atMost(TIMEOUT).until(() -> agent.running() == 2);
    // the shared renderer writes the default out: no proxy trusted
    assertThat(agent.pushes())
        .last()
        .satisfies(
            p -> assertThat(p.body()).contains("trustedProxies: []").doesNotContain("10.0.4.17"));
    assertThat(cluster.get(ConfigMap.class, ns, "api-agent-policy").getData().get("policy.yaml"))
        .contains("trustedProxies: []")
        .doesNotContain("10.0.4.17");
  }

  @Test
  @DisplayName(
      "spec.agent.autoscaling: the HPA is deleted and the Deployment's replicas go back to spec.agent.replicas")
  void autoscaling() {
    String ns =
        create(
            "rm-hpa",
            s -> {
              AgentSpec agent = new AgentSpec();
              agent.setReplicas(3);
              agent.setAutoscaling(new Autoscaling(2, 9, 60));
              agent.setService(new AgentServiceSpec(ServiceType.ClusterIP, 80));
              s.setAgent(agent);
            });
    await()
        .atMost(TIMEOUT)
        .until(() -> cluster.get(HorizontalPodAutoscaler.class, ns, "api-agent") != null);
    cluster.edit(
        Deployment.class,
        ns,
        "api-agent",
        d -> {
          d.getSpec().setReplicas(6); // the HPA scales
          return d;
        });
    patch(ns, "{\"spec\":{\"limits\":[{\"name\":\"default\",\"requests\":20,\"window\":\"1m\"}]}}");
    await().atMost(TIMEOUT).until(() -> cluster.reconciled(ns, "api"));
    assertThat(agentDeployment(ns).getSpec().getReplicas())
        .as("the HPA's count, left alone")
        .isEqualTo(6);

    patch(ns, "{\"spec\":{\"agent\":{\"autoscaling\":null}}}");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(cluster.get(HorizontalPodAutoscaler.class, ns, "api-agent")).isNull();
              assertThat(agentDeployment(ns).getSpec().getReplicas()).isEqualTo(3);
            });
  }
}
