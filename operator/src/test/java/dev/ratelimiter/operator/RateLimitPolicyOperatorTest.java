package dev.ratelimiter.operator;

import static dev.ratelimiter.operator.MockCluster.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.operator.customresource.AgentServiceSpec;
import dev.ratelimiter.operator.customresource.AgentSpec;
import dev.ratelimiter.operator.customresource.Autoscaling;
import dev.ratelimiter.operator.customresource.Backend;
import dev.ratelimiter.operator.customresource.ExternalRedis;
import dev.ratelimiter.operator.customresource.LimitSpec;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import dev.ratelimiter.operator.customresource.RedisSpec;
import dev.ratelimiter.operator.customresource.SecretKeyRef;
import dev.ratelimiter.operator.customresource.ServiceType;
import dev.ratelimiter.operator.status.StatusConditions;
import dev.ratelimiter.policy.Limit;
import dev.ratelimiter.policy.Policy;
import dev.ratelimiter.policy.PolicyParser;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("The operator, running against a mock API server,")
class RateLimitPolicyOperatorTest {

  static final Duration TIMEOUT = Duration.ofSeconds(20);
  MockCluster cluster;
  KubernetesClient client;

  @BeforeAll
  void startCluster() {
    cluster = new MockCluster();
    client = cluster.client();
    cluster.startOperator();
  }

  @AfterAll
  void stopCluster() {
    cluster.close();
    agents.forEach(FakeAgent::close);
  }

  final List<FakeAgent> agents = new java.util.concurrent.CopyOnWriteArrayList<>();

  FakeAgent runAgentPod(String ns, String policy, String pod) {
    FakeAgent agent = new FakeAgent();
    agents.add(agent);
    cluster.runPod(agent.pod(ns, policy, pod, true));
    return agent;
  }

  RateLimitPolicy apply(String ns, String name, RateLimitPolicySpec spec) {
    return cluster.create(policy(ns, name, spec));
  }

  RateLimitPolicy edit(String ns, String name, Consumer<RateLimitPolicySpec> change) {
    return cluster.edit(ns, name, change);
  }

  void awaitReconciled(String ns, String name) {
    await().atMost(TIMEOUT).until(() -> cluster.reconciled(ns, name));
  }

  <T extends HasMetadata> T awaitObject(Class<T> type, String ns, String name) {
    return await().atMost(TIMEOUT).until(() -> cluster.get(type, ns, name), o -> o != null);
  }

  <T extends HasMetadata> List<T> owned(Class<T> type, String ns, String policy) {
    return client
        .resources(type)
        .inNamespace(ns)
        .withLabel(Labels.INSTANCE, policy)
        .list()
        .getItems();
  }

  static Map<String, String> labels(String name, String component) {
    return Map.of(
        "app.kubernetes.io/name",
        "ratelimiter",
        "app.kubernetes.io/instance",
        name,
        "app.kubernetes.io/component",
        component,
        "app.kubernetes.io/managed-by",
        "ratelimiter-operator");
  }

  static String secretValue(Secret s, String key) {
    return new String(
        java.util.Base64.getDecoder().decode(s.getData().get(key)),
        java.nio.charset.StandardCharsets.US_ASCII);
  }

  @Test
  @DisplayName(
      "turns an empty spec into Redis, the agent fleet, its policy and the public Service, all owned and labelled")
  void emptySpecCreatesEverything() {
    String ns = cluster.newNamespace("empty");
    RateLimitPolicy p = apply(ns, "public-api", new RateLimitPolicySpec());
    awaitReconciled(ns, "public-api");

    Deployment agent = awaitObject(Deployment.class, ns, "public-api-agent");
    ConfigMap cm = awaitObject(ConfigMap.class, ns, "public-api-agent-policy");
    Secret admin = awaitObject(Secret.class, ns, "public-api-agent-admin");
    Service svc = awaitObject(Service.class, ns, "public-api");
    PodDisruptionBudget pdb = awaitObject(PodDisruptionBudget.class, ns, "public-api-agent");
    Deployment redis = awaitObject(Deployment.class, ns, "public-api-redis");
    Service redisSvc = awaitObject(Service.class, ns, "public-api-redis");
    Secret redisAuth = awaitObject(Secret.class, ns, "public-api-redis-auth");
    NetworkPolicy np = awaitObject(NetworkPolicy.class, ns, "public-api-redis");
    NetworkPolicy agentNp = awaitObject(NetworkPolicy.class, ns, "public-api-agent");
    assertThat(cluster.get(HorizontalPodAutoscaler.class, ns, "public-api-agent")).isNull();

    String uid = cluster.get(ns, "public-api").getMetadata().getUid();
    for (HasMetadata o : List.of(agent, cm, admin, svc, pdb, agentNp)) {
      assertThat(o.getMetadata().getLabels())
          .as(o.getKind())
          .containsExactlyInAnyOrderEntriesOf(labels("public-api", "agent"));
      assertThat(o.getMetadata().getOwnerReferences())
          .as(o.getKind())
          .singleElement()
          .satisfies(r -> assertThat(r.getUid()).isEqualTo(uid))
          .satisfies(r -> assertThat(r.getKind()).isEqualTo("RateLimitPolicy"));
    }
    for (HasMetadata o : List.of(redis, redisSvc, redisAuth, np)) {
      assertThat(o.getMetadata().getLabels())
          .as(o.getKind())
          .containsExactlyInAnyOrderEntriesOf(labels("public-api", "redis"));
      assertThat(o.getMetadata().getOwnerReferences())
          .as(o.getKind())
          .singleElement()
          .satisfies(r -> assertThat(r.getUid()).isEqualTo(uid));
    }

    assertThat(agent.getSpec().getReplicas()).isEqualTo(2);
    var container = agent.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo(MockCluster.AGENT_IMAGE);
    assertThat(container.getEnv())
        .extracting(EnvVar::getName)
        .containsExactly(
            "BIND_ADDRESS",
            "HTTP_PORT",
            "MANAGEMENT_PORT",
            "GRPC_PORT",
            "POLICY_FILE",
            "REDIS_URL",
            "REDIS_PASSWORD",
            "ADMIN_TOKEN");
    assertThat(container.getEnv())
        .filteredOn(e -> e.getName().equals("REDIS_URL"))
        .singleElement()
        .extracting(EnvVar::getValue)
        .isEqualTo("redis://public-api-redis." + ns + ".svc:6379");
    assertThat(cm.getData().get("policy.yaml"))
        .isEqualTo(
            "policy: "
                + ns
                + "/public-api\n"
                + "generation: 1\n"
                + "limits:\n"
                + "- name: default\n"
                + "  requests: 10\n"
                + "  window: 1m\n"
                + "  algorithm: FixedWindow\n"
                + "clientKey:\n"
                + "  source: RemoteAddress\n"
                + "  forwardedHeader: XForwardedFor\n"
                + "  trustedProxies: []\n"
                + "  ipv6PrefixLength: 64\n"
                + "failurePolicy: Open\n"
                + "exempt: []\n"
                + "mode: Enforce\n"
                + "agents: 1\n");
    assertThat(secretValue(admin, "token")).hasSize(43);
    assertThat(secretValue(redisAuth, "password"))
        .hasSize(43)
        .isNotEqualTo(secretValue(admin, "token"));
    assertThat(svc.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(svc.getSpec().getExternalTrafficPolicy()).isNull();
    assertThat(svc.getSpec().getPorts())
        .extracting(
            port -> port.getName() + ":" + port.getPort() + "->" + port.getTargetPort().getStrVal())
        .containsExactly("http:80->http", "grpc:8081->grpc");
    assertThat(svc.getSpec().getSelector())
        .containsOnlyKeys(Labels.NAME, Labels.INSTANCE, Labels.COMPONENT);
    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(redis.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .containsSubsequence("--requirepass", "$(REDISCLI_AUTH)")
        .containsSubsequence("--save", "");
    assertThat(np.getSpec().getIngress())
        .singleElement()
        .satisfies(
            i ->
                assertThat(i.getFrom().get(0).getPodSelector().getMatchLabels())
                    .containsEntry(Labels.COMPONENT, "agent"));
    assertThat(agentNp.getSpec().getIngress())
        .extracting(i -> i.getPorts().get(0).getPort().getIntVal())
        .containsExactly(8080, 9090);
    assertThat(
            agentNp
                .getSpec()
                .getIngress()
                .get(1)
                .getFrom()
                .get(0)
                .getNamespaceSelector()
                .getMatchLabels())
        .containsEntry("kubernetes.io/metadata.name", OperatorSettings.DEFAULT_OPERATOR_NAMESPACE);
    assertThat(p.getMetadata().getName()).isEqualTo("public-api");
  }

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
  @DisplayName("creates each secret once and never rotates it on later reconciles")
  void secretsAreNotRotated() {
    String ns = cluster.newNamespace("secrets");
    apply(ns, "api", new RateLimitPolicySpec());
    awaitReconciled(ns, "api");
    Secret admin = awaitObject(Secret.class, ns, "api-agent-admin");
    Secret auth = awaitObject(Secret.class, ns, "api-redis-auth");

    for (int requests = 11; requests <= 13; requests++) {
      long r = requests;
      edit(ns, "api", s -> s.setLimits(List.of(new LimitSpec("default", r, "1m", null))));
      awaitReconciled(ns, "api");
    }
    cluster.markReady(ns, "api-agent");
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
                            .generation())
                    .isEqualTo(4));

    Secret adminAfter = cluster.get(Secret.class, ns, "api-agent-admin");
    Secret authAfter = cluster.get(Secret.class, ns, "api-redis-auth");
    assertThat(adminAfter.getData()).isEqualTo(admin.getData());
    assertThat(adminAfter.getMetadata().getResourceVersion())
        .isEqualTo(admin.getMetadata().getResourceVersion());
    assertThat(authAfter.getData()).isEqualTo(auth.getData());
    assertThat(authAfter.getMetadata().getResourceVersion())
        .isEqualTo(auth.getMetadata().getResourceVersion());
  }

  @Test
  @DisplayName(
      "uses an external Redis without creating Redis objects, and removes them when switched to one")
  void externalRedis() {
    String ns = cluster.newNamespace("external");
    cluster.createSecret(ns, "redis-auth", "pw", true);
    RateLimitPolicySpec spec = new RateLimitPolicySpec();
    spec.setRedis(
        new RedisSpec(
            new ExternalRedis("redis://redis.shared:6379", new SecretKeyRef("redis-auth", "pw"))));
    apply(ns, "ext", spec);
    awaitReconciled(ns, "ext");
    Deployment agent = awaitObject(Deployment.class, ns, "ext-agent");
    awaitObject(Service.class, ns, "ext");

    var env = agent.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
    assertThat(env)
        .filteredOn(e -> e.getName().equals("REDIS_URL"))
        .singleElement()
        .extracting(EnvVar::getValue)
        .isEqualTo("redis://redis.shared:6379");
    assertThat(env)
        .filteredOn(e -> e.getName().equals("REDIS_PASSWORD"))
        .singleElement()
        .satisfies(
            e -> assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("redis-auth"))
        .satisfies(e -> assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("pw"));
    assertThat(owned(Deployment.class, ns, "ext"))
        .extracting(d -> d.getMetadata().getName())
        .containsExactly("ext-agent");
    assertThat(owned(Service.class, ns, "ext"))
        .extracting(d -> d.getMetadata().getName())
        .containsExactly("ext");
    assertThat(owned(Secret.class, ns, "ext"))
        .extracting(d -> d.getMetadata().getName())
        .containsExactly("ext-agent-admin");
    assertThat(owned(NetworkPolicy.class, ns, "ext"))
        .extracting(d -> d.getMetadata().getName())
        .containsExactly("ext-agent");
    assertThat(
            StatusConditions.find(cluster.get(ns, "ext").getStatus().getConditions(), "RedisReady"))
        .satisfies(c -> assertThat(c.getStatus()).isEqualTo("True"))
        .satisfies(c -> assertThat(c.getReason()).isEqualTo("External"));

    apply(ns, "moving", new RateLimitPolicySpec());
    awaitObject(Deployment.class, ns, "moving-redis");
    awaitObject(NetworkPolicy.class, ns, "moving-redis");
    edit(
        ns,
        "moving",
        s -> s.setRedis(new RedisSpec(new ExternalRedis("rediss://redis.shared:6380", null))));
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(owned(Deployment.class, ns, "moving"))
                  .extracting(d -> d.getMetadata().getName())
                  .containsExactly("moving-agent");
              assertThat(owned(Service.class, ns, "moving"))
                  .extracting(d -> d.getMetadata().getName())
                  .containsExactly("moving");
              assertThat(owned(Secret.class, ns, "moving"))
                  .extracting(d -> d.getMetadata().getName())
                  .containsExactly("moving-agent-admin");
              assertThat(owned(NetworkPolicy.class, ns, "moving"))
                  .extracting(d -> d.getMetadata().getName())
                  .containsExactly("moving-agent");
              assertThat(
                      cluster
                          .get(Deployment.class, ns, "moving-agent")
                          .getSpec()
                          .getTemplate()
                          .getSpec()
                          .getContainers()
                          .get(0)
                          .getEnv())
                  .extracting(EnvVar::getName)
                  .doesNotContain("REDIS_PASSWORD")
                  .contains("REDIS_URL");
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

  /**
   * A PUT of the whole resource as the admin last wrote it, minus a field; retried when it races
   * the status write.
   */
  void replaceWithout(String ns, String name, Consumer<RateLimitPolicySpec> remove) {
    for (int attempt = 1; ; attempt++) {
      RateLimitPolicy current = cluster.get(ns, name);
      remove.accept(current.getSpec());
      try {
        client.resource(current).update();
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 20) {
          throw e;
        }
      }
    }
  }

  static List<EnvVar> agentEnv(Deployment d) {
    return d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
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
