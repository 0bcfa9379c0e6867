package dev.ratelimiter.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.operator.customresource.ExternalRedis;
import dev.ratelimiter.operator.customresource.LimitSpec;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import dev.ratelimiter.operator.customresource.RedisSpec;
import dev.ratelimiter.operator.customresource.SecretKeyRef;
import dev.ratelimiter.operator.customresource.StatusConditions;
import dev.ratelimiter.operator.settings.OperatorSettings;
import dev.ratelimiter.operator.spec.Labels;
import dev.ratelimiter.policy.PolicyParser;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The objects the operator creates for a policy: what they are, who owns them, how they are
 * labelled, and that its Secrets are made once.
 */
@DisplayName("The operator, creating a policy's objects on a mock API server,")
class PolicyObjectsOperatorTest extends OperatorOnMockCluster {

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
}
