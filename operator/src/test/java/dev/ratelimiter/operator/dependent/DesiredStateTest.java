package dev.ratelimiter.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.operator.Policies;
import dev.ratelimiter.operator.TestOperatorSettings;
import dev.ratelimiter.operator.customresource.AgentServiceSpec;
import dev.ratelimiter.operator.customresource.AgentSpec;
import dev.ratelimiter.operator.customresource.Autoscaling;
import dev.ratelimiter.operator.customresource.Backend;
import dev.ratelimiter.operator.customresource.ExternalRedis;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import dev.ratelimiter.operator.customresource.RedisSpec;
import dev.ratelimiter.operator.customresource.SecretKeyRef;
import dev.ratelimiter.operator.customresource.ServiceType;
import dev.ratelimiter.operator.settings.OperatorSettings;
import dev.ratelimiter.operator.spec.Labels;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Each dependent's desired state")
class DesiredStateTest {

  static final OperatorSettings SETTINGS =
      TestOperatorSettings.of("agent:1", "redis:7", Set.of()).withOperatorNamespace("ops").build();

  /** The policy every desired state here is rendered for: shop/web at generation 3. */
  static RateLimitPolicy policy(RateLimitPolicySpec spec) {
    return Policies.policy("shop", "web", 3, spec);
  }

  static RateLimitPolicySpec withAgent(AgentSpec agent) {
    RateLimitPolicySpec s = new RateLimitPolicySpec();
    s.setAgent(agent);
    return s;
  }

  static EnvVar secretEnv(String name, String secret, String key) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewSecretKeyRef()
        .withName(secret)
        .withKey(key)
        .withOptional(false)
        .endSecretKeyRef()
        .endValueFrom()
        .build();
  }

  @Nested
  @DisplayName("for the agent Deployment")
  class AgentDeployment {
    final AgentDeploymentDependentResource dr = new AgentDeploymentDependentResource();

    @Test
    @DisplayName(
        "runs the agent image non-root with a read-only root filesystem, no token, probes on management and the policy mounted")
    void hardenedPod() {
      var d = dr.desired(policy(new RateLimitPolicySpec()), SETTINGS);
      assertThat(d.getMetadata().getName()).isEqualTo("web-agent");
      assertThat(d.getMetadata().getNamespace()).isEqualTo("shop");
      assertThat(d.getSpec().getReplicas()).isEqualTo(2);
      assertThat(d.getSpec().getSelector().getMatchLabels())
          .isEqualTo(Labels.selector(policy(null), "agent"));
      var pod = d.getSpec().getTemplate().getSpec();
      assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
          .isEqualTo(Labels.of(policy(null), "agent"));
      assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations())
          .as("no rollout per policy edit")
          .isNullOrEmpty();
      assertThat(pod.getAutomountServiceAccountToken()).isFalse();
      assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
      assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
      assertThat(pod.getSecurityContext().getSeccompProfile().getType())
          .isEqualTo("RuntimeDefault");
      assertThat(pod.getTopologySpreadConstraints())
          .singleElement()
          .satisfies(
              t -> {
                assertThat(t.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
                assertThat(t.getWhenUnsatisfiable()).isEqualTo("ScheduleAnyway");
              });
      var c = pod.getContainers().get(0);
      assertThat(c.getImage()).isEqualTo("agent:1");
      assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
      assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
      assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
      assertThat(c.getPorts())
          .extracting(p -> p.getName() + ":" + p.getContainerPort())
          .containsExactly("http:8080", "grpc:8081", "management:9090");
      assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health/live");
      assertThat(c.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("management");
      assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health/ready");
      assertThat(c.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("management");
      assertThat(c.getVolumeMounts())
          .extracting(
              m ->
                  m.getName()
                      + "@"
                      + m.getMountPath()
                      + (Boolean.TRUE.equals(m.getReadOnly()) ? ":ro" : ""))
          .containsExactly("policy@/etc/ratelimiter:ro", "tmp@/tmp");
      assertThat(pod.getVolumes()).extracting(v -> v.getName()).containsExactly("policy", "tmp");
      assertThat(pod.getVolumes().get(0).getConfigMap().getName()).isEqualTo("web-agent-policy");
      assertThat(pod.getVolumes().get(1).getEmptyDir()).isNotNull();
      assertThat(c.getEnv())
          .containsExactly(
              new EnvVarBuilder().withName("BIND_ADDRESS").withValue("0.0.0.0").build(),
              new EnvVarBuilder().withName("HTTP_PORT").withValue("8080").build(),
              new EnvVarBuilder().withName("MANAGEMENT_PORT").withValue("9090").build(),
              new EnvVarBuilder().withName("GRPC_PORT").withValue("8081").build(),
              new EnvVarBuilder()
                  .withName("POLICY_FILE")
                  .withValue("/etc/ratelimiter/policy.yaml")
                  .build(),
              new EnvVarBuilder()
                  .withName("REDIS_URL")
                  .withValue("redis://web-redis.shop.svc:6379")
                  .build(),
              secretEnv("REDIS_PASSWORD", "web-redis-auth", "password"),
              secretEnv("ADMIN_TOKEN", "web-agent-admin", "token"));
      assertThat(c.getEnv())
          .as("no credentials inside a URL")
          .allSatisfy(e -> assertThat(String.valueOf(e.getValue())).doesNotContain("@"));
    }

    @Test
    @DisplayName("points at an external Redis and its password Secret")
    void externalRedis() {
      RateLimitPolicySpec s = new RateLimitPolicySpec();
      s.setRedis(
          new RedisSpec(
              new ExternalRedis("rediss://r.shared:6380", new SecretKeyRef("shared-redis", "pw"))));
      var env =
          dr.desired(policy(s), SETTINGS)
              .getSpec()
              .getTemplate()
              .getSpec()
              .getContainers()
              .get(0)
              .getEnv();
      assertThat(env)
          .contains(
              new EnvVarBuilder().withName("REDIS_URL").withValue("rediss://r.shared:6380").build(),
              secretEnv("REDIS_PASSWORD", "shared-redis", "pw"));
    }

    @Test
    @DisplayName(
        "tells the agents the Redis mode and, for Sentinel, the master's name; Standalone is left to the agents' default")
    void externalRedisModes() {
      ExternalRedis sentinel = new ExternalRedis("redis://s1:26379,s2:26379", null);
      sentinel.setMode("Sentinel");
      sentinel.setMasterName("shop-limits");
      ExternalRedis cluster = new ExternalRedis("redis://n1:6379,n2:6379", null);
      cluster.setMode("Cluster");
      ExternalRedis standalone = new ExternalRedis("redis://r:6379", null);
      standalone.setMode("Standalone");
      assertThat(redisEnv(sentinel))
          .containsExactly(
              new EnvVarBuilder()
                  .withName("REDIS_URL")
                  .withValue("redis://s1:26379,s2:26379")
                  .build(),
              new EnvVarBuilder().withName("REDIS_MODE").withValue("Sentinel").build(),
              new EnvVarBuilder().withName("REDIS_MASTER_NAME").withValue("shop-limits").build());
      assertThat(redisEnv(cluster))
          .containsExactly(
              new EnvVarBuilder()
                  .withName("REDIS_URL")
                  .withValue("redis://n1:6379,n2:6379")
                  .build(),
              new EnvVarBuilder().withName("REDIS_MODE").withValue("Cluster").build());
      assertThat(redisEnv(standalone))
          .containsExactly(
              new EnvVarBuilder().withName("REDIS_URL").withValue("redis://r:6379").build());
    }

    private java.util.List<io.fabric8.kubernetes.api.model.EnvVar> redisEnv(
        ExternalRedis external) {
      RateLimitPolicySpec s = new RateLimitPolicySpec();
      s.setRedis(new RedisSpec(external));
      return dr
          .desired(policy(s), SETTINGS)
          .getSpec()
          .getTemplate()
          .getSpec()
          .getContainers()
          .get(0)
          .getEnv()
          .stream()
          .filter(e -> e.getName().startsWith("REDIS_"))
          .toList();
    }

    @Test
    @DisplayName(
        "tells the agents to proxy to the backend Service in the policy's namespace, with the timeout in milliseconds")
    void backend() {
      RateLimitPolicySpec s = new RateLimitPolicySpec();
      s.setBackend(new Backend("shop-api", 8080, 45));
      var env =
          dr.desired(policy(s), SETTINGS)
              .getSpec()
              .getTemplate()
              .getSpec()
              .getContainers()
              .get(0)
              .getEnv();
      assertThat(env)
          .filteredOn(e -> e.getName().startsWith("BACKEND_"))
          .containsExactly(
              new EnvVarBuilder()
                  .withName("BACKEND_URL")
                  .withValue("http://shop-api.shop.svc:8080")
                  .build(),
              new EnvVarBuilder().withName("BACKEND_TIMEOUT_MS").withValue("45000").build());
    }

    @Test
    @DisplayName(
        "gives the backend 30 s when spec.backend has no timeoutSeconds, and sets no backend without spec.backend")
    void backendDefaults() {
      RateLimitPolicySpec s = new RateLimitPolicySpec();
      s.setBackend(new Backend("api", 443, null));
      var env =
          dr.desired(policy(s), SETTINGS)
              .getSpec()
              .getTemplate()
              .getSpec()
              .getContainers()
              .get(0)
              .getEnv();
      assertThat(env)
          .filteredOn(e -> e.getName().equals("BACKEND_TIMEOUT_MS"))
          .singleElement()
          .extracting(EnvVar::getValue)
          .isEqualTo("30000");
      assertThat(env)
          .filteredOn(e -> e.getName().equals("BACKEND_URL"))
          .singleElement()
          .extracting(EnvVar::getValue)
          .isEqualTo("http://api.shop.svc:443");
      var none =
          dr.desired(policy(new RateLimitPolicySpec()), SETTINGS)
              .getSpec()
              .getTemplate()
              .getSpec()
              .getContainers()
              .get(0)
              .getEnv();
      assertThat(none).extracting(EnvVar::getName).noneMatch(n -> n.startsWith("BACKEND_"));
    }

    @Test
    @DisplayName(
        "gives the agent default requests and a memory limit when spec.agent.resources is absent or empty")
    void defaultResources() {
      for (AgentSpec a :
          List.of(new AgentSpec(), resources(new ResourceRequirementsBuilder().build()))) {
        var r =
            dr.desired(policy(withAgent(a)), SETTINGS)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getResources();
        assertThat(r.getRequests())
            .isEqualTo(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("128Mi")));
        assertThat(r.getLimits()).isEqualTo(Map.of("memory", new Quantity("256Mi")));
      }
      var own =
          dr.desired(
                  policy(
                      withAgent(
                          resources(
                              new ResourceRequirementsBuilder()
                                  .addToLimits("memory", new Quantity("1Gi"))
                                  .build()))),
                  SETTINGS)
              .getSpec()
              .getTemplate()
              .getSpec()
              .getContainers()
              .get(0)
              .getResources();
      assertThat(own.getRequests())
          .as("the policy's own resources are taken as they are")
          .isNullOrEmpty();
      assertThat(own.getLimits()).isEqualTo(Map.of("memory", new Quantity("1Gi")));
    }

    AgentSpec resources(io.fabric8.kubernetes.api.model.ResourceRequirements r) {
      AgentSpec a = new AgentSpec();
      a.setResources(r);
      return a;
    }

    @Test
    @DisplayName("leaves replicas to the HPA when autoscaled, and carries the requested resources")
    void autoscaledAndResources() {
      AgentSpec a = new AgentSpec();
      a.setReplicas(4);
      a.setAutoscaling(new Autoscaling(2, 8, null));
      a.setResources(
          new ResourceRequirementsBuilder().addToRequests("cpu", new Quantity("250m")).build());
      var d = dr.desired(policy(withAgent(a)), SETTINGS);
      assertThat(d.getSpec().getReplicas()).isNull();
      assertThat(
              d.getSpec()
                  .getTemplate()
                  .getSpec()
                  .getContainers()
                  .get(0)
                  .getResources()
                  .getRequests())
          .containsEntry("cpu", new Quantity("250m"));
    }
  }

  @Test
  @DisplayName(
      "for the public Service is ClusterIP on port 80 by default, and keeps client IPs for LoadBalancer and NodePort")
  void agentService() {
    var dr = new AgentServiceDependentResource();
    var svc = dr.desired(policy(new RateLimitPolicySpec()), null);
    assertThat(svc.getMetadata().getName()).isEqualTo("web");
    assertThat(svc.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(svc.getSpec().getExternalTrafficPolicy()).isNull();
    assertThat(svc.getSpec().getPorts())
        .extracting(p -> p.getName() + ":" + p.getPort() + "->" + p.getTargetPort().getStrVal())
        .containsExactly("http:80->http", "grpc:8081->grpc");
    assertThat(svc.getSpec().getPorts().get(1).getAppProtocol())
        .as("Envoy and meshes speak HTTP/2 cleartext to it")
        .isEqualTo("kubernetes.io/h2c");
    for (ServiceType type : List.of(ServiceType.LoadBalancer, ServiceType.NodePort)) {
      AgentSpec a = new AgentSpec();
      a.setService(new AgentServiceSpec(type, 443));
      var s = dr.desired(policy(withAgent(a)), null);
      assertThat(s.getSpec().getType()).isEqualTo(type.name());
      assertThat(s.getSpec().getExternalTrafficPolicy()).isEqualTo("Local");
      assertThat(s.getSpec().getPorts().get(0).getPort()).isEqualTo(443);
      assertThat(s.getSpec().getPorts().get(1).getPort()).isEqualTo(8081);
    }
  }

  @Test
  @DisplayName("for the policy ConfigMap is the agent's policy document under policy.yaml")
  void policyConfigMap() {
    var cm =
        new AgentPolicyConfigMapDependentResource()
            .desired(policy(new RateLimitPolicySpec()), null);
    assertThat(cm.getMetadata().getName()).isEqualTo("web-agent-policy");
    assertThat(cm.getData()).containsOnlyKeys("policy.yaml");
    assertThat(cm.getData().get("policy.yaml")).startsWith("policy: shop/web\ngeneration: 3\n");
  }

  @Test
  @DisplayName("for the two Secrets is a fresh 32-byte random value under the agreed key")
  void secrets() {
    var admin =
        new AgentAdminSecretDependentResource().desired(policy(new RateLimitPolicySpec()), null);
    var auth =
        new RedisAuthSecretDependentResource().desired(policy(new RateLimitPolicySpec()), null);
    assertThat(admin.getMetadata().getName()).isEqualTo("web-agent-admin");
    assertThat(auth.getMetadata().getName()).isEqualTo("web-redis-auth");
    String token =
        new String(
            Base64.getDecoder().decode(admin.getData().get("token")), StandardCharsets.US_ASCII);
    String password =
        new String(
            Base64.getDecoder().decode(auth.getData().get("password")), StandardCharsets.US_ASCII);
    assertThat(token).matches("[A-Za-z0-9_-]{43}");
    assertThat(password).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(token);
    assertThat(auth.getMetadata().getLabels()).containsEntry(Labels.COMPONENT, "redis");
  }

  @Test
  @DisplayName("for the HPA scales the agent Deployment between the bounds on CPU")
  void hpa() {
    AgentSpec a = new AgentSpec();
    a.setAutoscaling(new Autoscaling(null, 10, null));
    var hpa =
        new AgentHorizontalPodAutoscalerDependentResource().desired(policy(withAgent(a)), null);
    assertThat(hpa.getMetadata().getName()).isEqualTo("web-agent");
    assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
    assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("web-agent");
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(10);
    assertThat(hpa.getSpec().getMetrics())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.getResource().getName()).isEqualTo("cpu");
              assertThat(m.getResource().getTarget().getAverageUtilization()).isEqualTo(70);
            });
  }

  @Test
  @DisplayName("for the PDB lets at most one agent be evicted at a time")
  void pdb() {
    var pdb =
        new AgentPodDisruptionBudgetDependentResource()
            .desired(policy(new RateLimitPolicySpec()), null);
    assertThat(pdb.getMetadata().getName()).isEqualTo("web-agent");
    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(pdb.getSpec().getSelector().getMatchLabels())
        .isEqualTo(Labels.selector(policy(null), "agent"));
  }

  @Test
  @DisplayName(
      "for Redis runs one non-root replica with requirepass, no persistence and a PING probe")
  void redisDeployment() {
    var d =
        new RedisDeploymentDependentResource().desired(policy(new RateLimitPolicySpec()), SETTINGS);
    assertThat(d.getMetadata().getName()).isEqualTo("web-redis");
    assertThat(d.getSpec().getReplicas()).isEqualTo(1);
    var pod = d.getSpec().getTemplate().getSpec();
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    var c = pod.getContainers().get(0);
    assertThat(c.getImage()).isEqualTo("redis:7");
    assertThat(c.getArgs())
        .containsExactly(
            "--requirepass",
            "$(REDISCLI_AUTH)",
            "--save",
            "",
            "--appendonly",
            "no",
            "--protected-mode",
            "no",
            "--port",
            "6379",
            "--maxmemory",
            "96mb",
            "--maxmemory-policy",
            "noeviction");
    assertThat(c.getEnv())
        .containsExactly(
            new EnvVarBuilder()
                .withName("REDISCLI_AUTH")
                .withNewValueFrom()
                .withNewSecretKeyRef()
                .withName("web-redis-auth")
                .withKey("password")
                .endSecretKeyRef()
                .endValueFrom()
                .build());
    assertThat(c.getReadinessProbe().getExec().getCommand()).last().asString().contains("ping");
    assertThat(c.getLivenessProbe().getTcpSocket().getPort().getStrVal()).isEqualTo("redis");
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
  }

  @Test
  @DisplayName(
      "for Redis bounds its memory: requests 50m and 64Mi, a 128Mi limit, and a maxmemory below it that refuses writes rather than evicting")
  void redisMemoryIsBounded() {
    var c =
        new RedisDeploymentDependentResource()
            .desired(policy(new RateLimitPolicySpec()), SETTINGS)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    assertThat(c.getResources().getRequests())
        .isEqualTo(Map.of("cpu", new Quantity("50m"), "memory", new Quantity("64Mi")));
    assertThat(c.getResources().getLimits()).isEqualTo(Map.of("memory", new Quantity("128Mi")));
    String maxmemory = c.getArgs().get(c.getArgs().indexOf("--maxmemory") + 1);
    long maxBytes = Long.parseLong(maxmemory.replace("mb", "")) * 1024 * 1024;
    long limitBytes =
        Quantity.getAmountInBytes(c.getResources().getLimits().get("memory")).longValueExact();
    assertThat(maxBytes)
        .as("maxmemory leaves room under the container limit")
        .isBetween(limitBytes / 2, limitBytes * 4 / 5);
    assertThat(c.getArgs().get(c.getArgs().indexOf("--maxmemory-policy") + 1))
        .isEqualTo("noeviction");
  }

  @Test
  @DisplayName("for the Redis Service and NetworkPolicy admits only this policy's agents on 6379")
  void redisServiceAndNetworkPolicy() {
    var svc = new RedisServiceDependentResource().desired(policy(new RateLimitPolicySpec()), null);
    assertThat(svc.getMetadata().getName()).isEqualTo("web-redis");
    assertThat(svc.getSpec().getSelector()).isEqualTo(Labels.selector(policy(null), "redis"));
    assertThat(svc.getSpec().getPorts().get(0).getPort()).isEqualTo(6379);
    var np =
        new RedisNetworkPolicyDependentResource().desired(policy(new RateLimitPolicySpec()), null);
    assertThat(np.getSpec().getPodSelector().getMatchLabels())
        .isEqualTo(Labels.selector(policy(null), "redis"));
    assertThat(np.getSpec().getPolicyTypes()).containsExactly("Ingress");
    assertThat(np.getSpec().getIngress())
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.getFrom())
                  .singleElement()
                  .satisfies(
                      f ->
                          assertThat(f.getPodSelector().getMatchLabels())
                              .isEqualTo(
                                  Map.of(
                                      Labels.NAME,
                                      "ratelimiter",
                                      Labels.INSTANCE,
                                      "web",
                                      Labels.COMPONENT,
                                      "agent")));
              assertThat(i.getPorts())
                  .singleElement()
                  .satisfies(p -> assertThat(p.getPort().getIntVal()).isEqualTo(6379));
            });
  }

  @Test
  @DisplayName(
      "for the agent NetworkPolicy admits the public and gRPC ports from anywhere and the management port only from the operator's namespace")
  void agentNetworkPolicy() {
    var np =
        new AgentNetworkPolicyDependentResource()
            .desired(policy(new RateLimitPolicySpec()), SETTINGS);
    assertThat(np.getMetadata().getName()).isEqualTo("web-agent");
    assertThat(np.getMetadata().getNamespace()).isEqualTo("shop");
    assertThat(np.getMetadata().getLabels()).isEqualTo(Labels.of(policy(null), "agent"));
    assertThat(np.getSpec().getPodSelector().getMatchLabels())
        .isEqualTo(Labels.selector(policy(null), "agent"));
    assertThat(np.getSpec().getPolicyTypes()).containsExactly("Ingress");
    assertThat(np.getSpec().getIngress()).hasSize(2);
    var open = np.getSpec().getIngress().get(0);
    assertThat(open.getFrom()).as("from anywhere").isNullOrEmpty();
    assertThat(open.getPorts())
        .extracting(p -> p.getProtocol() + "/" + p.getPort().getIntVal())
        .containsExactly("TCP/8080", "TCP/8081");
    var management = np.getSpec().getIngress().get(1);
    assertThat(management.getPorts())
        .extracting(p -> p.getProtocol() + "/" + p.getPort().getIntVal())
        .containsExactly("TCP/9090");
    assertThat(management.getFrom())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getPodSelector()).isNull();
              assertThat(f.getIpBlock()).isNull();
              assertThat(f.getNamespaceSelector().getMatchLabels())
                  .isEqualTo(Map.of("kubernetes.io/metadata.name", "ops"));
              assertThat(f.getNamespaceSelector().getMatchExpressions()).isNullOrEmpty();
            });
  }
}
