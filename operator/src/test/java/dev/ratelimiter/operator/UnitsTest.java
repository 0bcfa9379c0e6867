package dev.ratelimiter.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ratelimiter.operator.customresource.AgentSpec;
import dev.ratelimiter.operator.customresource.Autoscaling;
import dev.ratelimiter.operator.customresource.Backend;
import dev.ratelimiter.operator.customresource.ClientKey;
import dev.ratelimiter.operator.customresource.ExternalRedis;
import dev.ratelimiter.operator.customresource.LimitSpec;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import dev.ratelimiter.operator.customresource.RedisSpec;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("The operator's helpers")
class UnitsTest {

  @Nested
  @DisplayName("PolicyValidator")
  class Validator {

    List<String> problems(Consumer<RateLimitPolicySpec> build) {
      RateLimitPolicySpec s = new RateLimitPolicySpec();
      build.accept(s);
      return PolicyValidator.validate(s);
    }

    @Test
    @DisplayName("accepts an empty spec and a full valid one")
    void acceptsValid() {
      assertThat(problems(s -> {})).isEmpty();
      assertThat(
              problems(
                  s -> {
                    s.setLimits(
                        List.of(
                            new LimitSpec("per-second", 5, "1s", null),
                            new LimitSpec("daily", 1_000_000_000, "24h", null)));
                    ClientKey ck = new ClientKey();
                    ck.setTrustedProxies(List.of("10.0.0.0/8", "fd00::/8", "192.168.1.1/32"));
                    ck.setIpv6PrefixLength(128);
                    s.setClientKey(ck);
                    AgentSpec a = new AgentSpec();
                    a.setAutoscaling(new Autoscaling(2, 2, 100));
                    s.setAgent(a);
                    s.setBackend(new Backend("shop-api", 8080, 300));
                    s.setRedis(new RedisSpec(new ExternalRedis("redis://redis.shared:6379", null)));
                  }))
          .isEmpty();
    }

    @Test
    @DisplayName("names the first policy problem (the shared rules) and each bad Kubernetes field")
    void namesFields() {
      assertThat(
              problems(
                  s -> {
                    s.setLimits(
                        List.of(
                            new LimitSpec("x", 1, "1m", null),
                            new LimitSpec("x", 2_000_000_000L, "1m", null),
                            new LimitSpec("No", 1, "1m", null)));
                    ClientKey ck = new ClientKey();
                    ck.setTrustedProxies(List.of("10.0.0.0/33", "example.com/8", "1.2.3.4"));
                    ck.setIpv6PrefixLength(0);
                    s.setClientKey(ck);
                    AgentSpec a = new AgentSpec();
                    a.setReplicas(0);
                    a.setAutoscaling(new Autoscaling(5, 3, 101));
                    s.setAgent(a);
                    s.setBackend(new Backend("Shop", 0, 0));
                    s.setRedis(new RedisSpec(new ExternalRedis("http://nope", null)));
                  }))
          .extracting(p -> p.substring(0, p.indexOf(':')))
          .containsExactly(
              "spec.limits[1].name",
              "spec.agent.replicas",
              "spec.agent.autoscaling.minReplicas",
              "spec.agent.autoscaling.targetCPUUtilizationPercentage",
              "spec.backend.service",
              "spec.backend.port",
              "spec.backend.timeoutSeconds",
              "spec.redis.external.url");
    }
  }

  @Test
  @DisplayName("SpecDocument renders every field in the agreed order with defaults applied")
  void policyDocument() {
    RateLimitPolicy p = new RateLimitPolicy();
    p.getMetadata().setName("api");
    p.getMetadata().setNamespace("shop");
    p.getMetadata().setGeneration(7L);
    RateLimitPolicySpec s = new RateLimitPolicySpec();
    s.setLimits(
        List.of(new LimitSpec("burst", 5, "1s", null), new LimitSpec("hourly", 100, "1h", null)));
    ClientKey ck = new ClientKey();
    ck.setTrustedProxies(List.of("10.0.0.0/8"));
    s.setClientKey(ck);
    s.setFailurePolicy("Closed");
    p.setSpec(s);
    assertThat(SpecDocument.yaml(p, 3))
        .isEqualTo(
            "policy: shop/api\n"
                + "generation: 7\n"
                + "limits:\n"
                + "- name: burst\n  requests: 5\n  window: 1s\n  algorithm: FixedWindow\n"
                + "- name: hourly\n  requests: 100\n  window: 1h\n  algorithm: FixedWindow\n"
                + "clientKey:\n  source: RemoteAddress\n  forwardedHeader: XForwardedFor\n  trustedProxies:\n  - 10.0.0.0/8\n  ipv6PrefixLength: 64\n"
                + "failurePolicy: Closed\n"
                + "exempt: []\n"
                + "mode: Enforce\n"
                + "agents: 3\n");
    assertThat(SpecDocument.yaml(p))
        .as("the ConfigMap's: one agent until the operator pushes the count")
        .endsWith("agents: 1\n");
  }

  @Test
  @DisplayName(
      "SpecDocument carries the request features: header client key, route match, exempt, Shadow, Local")
  void policyDocumentWithRequestFeatures() {
    RateLimitPolicy p = new RateLimitPolicy();
    p.getMetadata().setName("api");
    p.getMetadata().setNamespace("shop");
    p.getMetadata().setGeneration(2L);
    RateLimitPolicySpec s = new RateLimitPolicySpec();
    LimitSpec login = new LimitSpec("login", 5, "1m", null);
    login.setMatch(
        new dev.ratelimiter.operator.customresource.RouteMatchSpec(
            List.of("/api/login"), List.of("POST")));
    s.setLimits(List.of(login));
    ClientKey ck = new ClientKey();
    ck.setSource("Header");
    ck.setHeader("X-Api-Key");
    ck.setMissing("Reject");
    s.setClientKey(ck);
    s.setExempt(List.of("10.1.0.0/16"));
    s.setMode("Shadow");
    s.setFailurePolicy("Local");
    p.setSpec(s);
    assertThat(SpecDocument.yaml(p, 2))
        .isEqualTo(
            "policy: shop/api\n"
                + "generation: 2\n"
                + "limits:\n"
                + "- name: login\n  requests: 5\n  window: 1m\n  algorithm: FixedWindow\n  match:\n    pathPrefixes:\n    - /api/login\n"
                + "    methods:\n    - POST\n"
                + "clientKey:\n  source: Header\n  header: X-Api-Key\n  missing: Reject\n  forwardedHeader: XForwardedFor\n"
                + "  trustedProxies: []\n  ipv6PrefixLength: 64\n"
                + "failurePolicy: Local\n"
                + "exempt:\n- 10.1.0.0/16\n"
                + "mode: Shadow\n"
                + "agents: 2\n");
  }

  @Test
  @DisplayName(
      "SpecDocument renders each algorithm, and a TokenBucket's burst (given, or its requests by default)")
  void policyDocumentAlgorithms() {
    RateLimitPolicy p = new RateLimitPolicy();
    p.getMetadata().setName("api");
    p.getMetadata().setNamespace("shop");
    p.getMetadata().setGeneration(2L);
    RateLimitPolicySpec s = new RateLimitPolicySpec();
    LimitSpec bucket = new LimitSpec("bucket", 5, "1s", "TokenBucket");
    bucket.setBurst(20L);
    s.setLimits(
        List.of(
            new LimitSpec("sliding", 10, "1m", "SlidingWindow"),
            bucket,
            new LimitSpec("plain-bucket", 7, "1h", "TokenBucket")));
    p.setSpec(s);
    assertThat(SpecDocument.yaml(p))
        .contains(
            "limits:\n"
                + "- name: sliding\n  requests: 10\n  window: 1m\n  algorithm: SlidingWindow\n"
                + "- name: bucket\n  requests: 5\n  window: 1s\n  algorithm: TokenBucket\n  burst: 20\n"
                + "- name: plain-bucket\n  requests: 7\n  window: 1h\n  algorithm: TokenBucket\n  burst: 7\n");
  }

  @Test
  @DisplayName("Names gives the objects the names users and docs rely on")
  void names() {
    RateLimitPolicy p = new RateLimitPolicy();
    p.getMetadata().setName("public-api");
    p.getMetadata().setNamespace("shop");
    p.setSpec(new RateLimitPolicySpec());
    assertThat(
            List.of(
                Names.agentService(p),
                Names.agentDeployment(p),
                Names.agentPolicyConfigMap(p),
                Names.agentAdminSecret(p),
                Names.agentHpa(p),
                Names.agentPdb(p),
                Names.redisDeployment(p),
                Names.redisService(p),
                Names.redisAuthSecret(p),
                Names.redisNetworkPolicy(p),
                Names.agentNetworkPolicy(p)))
        .containsExactly(
            "public-api",
            "public-api-agent",
            "public-api-agent-policy",
            "public-api-agent-admin",
            "public-api-agent",
            "public-api-agent",
            "public-api-redis",
            "public-api-redis",
            "public-api-redis-auth",
            "public-api-redis",
            "public-api-agent");
    assertThat(Names.endpoint(p)).isEqualTo("http://public-api.shop.svc:80/api");
  }

  @Test
  @DisplayName(
      "OperatorSettings reads images and namespaces from the environment, with pinned defaults")
  void settings() {
    OperatorSettings defaults = OperatorSettings.fromEnv(Map.of());
    assertThat(defaults.agentImage())
        .startsWith("ghcr.io/ratelimiter-dev/agent:")
        .doesNotEndWith(":");
    assertThat(defaults.redisImage()).isEqualTo("redis:7.4.2-alpine");
    assertThat(defaults.watchNamespaces()).isEmpty();
    OperatorSettings set =
        OperatorSettings.fromEnv(
            Map.of("AGENT_IMAGE", "a:1", "REDIS_IMAGE", "r:2", "WATCH_NAMESPACES", "shop, web ,"));
    assertThat(set.agentImage()).isEqualTo("a:1");
    assertThat(set.redisImage()).isEqualTo("r:2");
    assertThat(set.watchNamespaces()).containsExactlyInAnyOrder("shop", "web");
  }

  @Test
  @DisplayName(
      "OperatorSettings takes the operator's namespace from OPERATOR_NAMESPACE, else the install's ratelimiter-system")
  void operatorNamespaceSetting() {
    assertThat(OperatorSettings.fromEnv(Map.of()).operatorNamespace())
        .isEqualTo("ratelimiter-system");
    assertThat(OperatorSettings.fromEnv(Map.of("OPERATOR_NAMESPACE", " ops ")).operatorNamespace())
        .isEqualTo("ops");
    assertThat(OperatorSettings.fromEnv(Map.of()).withPodNamespace("from-pod").operatorNamespace())
        .isEqualTo("from-pod");
    assertThat(
            OperatorSettings.fromEnv(Map.of("OPERATOR_NAMESPACE", "ops"))
                .withPodNamespace("from-pod")
                .operatorNamespace())
        .isEqualTo("ops");
  }

  @Test
  @DisplayName(
      "OperatorSettings reads REDIS_ALLOWED_HOSTS as exact names and '.'-suffixes, and allows any host without it")
  void redisAllowedHosts() {
    OperatorSettings any = OperatorSettings.fromEnv(Map.of());
    assertThat(any.redisAllowedHosts()).isEmpty();
    assertThat(any.redisHostAllowed("anything.example")).isTrue();
    OperatorSettings some =
        OperatorSettings.fromEnv(Map.of("REDIS_ALLOWED_HOSTS", " Redis.Shared , .redis.svc,,"));
    assertThat(some.redisAllowedHosts()).containsExactly("redis.shared", ".redis.svc");
    assertThat(some.redisHostAllowed("redis.shared")).isTrue();
    assertThat(some.redisHostAllowed("REDIS.SHARED")).isTrue();
    assertThat(some.redisHostAllowed("a.redis.svc")).isTrue();
    assertThat(some.redisHostAllowed("redis.shared.evil")).isFalse();
    assertThat(some.redisHostAllowed("evilredis.svc")).isFalse();
    assertThat(some.redisHostAllowed("redis.svc")).as("a suffix needs a name before it").isFalse();
  }

  @Test
  @DisplayName(
      "OperatorSettings refuses a bad setting with a message that names it and says what it accepts")
  void badSettingsAreNamed() {
    Map<Map<String, String>, String> bad = new java.util.LinkedHashMap<>();
    bad.put(Map.of("HEALTH_PORT", "x"), "HEALTH_PORT='x' is not a whole number in 1 .. 65535");
    bad.put(Map.of("HEALTH_PORT", "0"), "HEALTH_PORT='0' is not a whole number in 1 .. 65535");
    bad.put(
        Map.of("HEALTH_PORT", "65536"), "HEALTH_PORT='65536' is not a whole number in 1 .. 65535");
    bad.put(Map.of("LEADER_ELECTION", "yes"), "LEADER_ELECTION='yes' is not true or false");
    bad.put(
        Map.of("WATCH_NAMESPACES", "shop,Web"),
        "WATCH_NAMESPACES: 'Web' is not a namespace name (lowercase letters, digits and '-', at most 63); write them comma-separated");
    bad.put(
        Map.of("OPERATOR_NAMESPACE", "ops system"),
        "OPERATOR_NAMESPACE='ops system' is not a namespace name (lowercase letters, digits and '-', at most 63)");
    bad.put(
        Map.of("LEASE_NAMESPACE", "-x"),
        "LEASE_NAMESPACE='-x' is not a namespace name (lowercase letters, digits and '-', at most 63)");
    bad.put(
        Map.of("AGENT_IMAGE", "my agent:1"),
        "AGENT_IMAGE='my agent:1' is not an image reference like registry.example.com/name:tag");
    bad.put(
        Map.of("REDIS_IMAGE", "redis:"),
        "REDIS_IMAGE='redis:' is not an image reference like registry.example.com/name:tag");
    bad.put(
        Map.of("REDIS_ALLOWED_HOSTS", "redis.shared, redis://x"),
        "REDIS_ALLOWED_HOSTS: 'redis://x' is not a host name (redis.shared) or a suffix starting with a dot (.redis.svc)");
    bad.forEach(
        (env, message) ->
            assertThatThrownBy(() -> OperatorSettings.fromEnv(env))
                .as(env.toString())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message));

    OperatorSettings good =
        OperatorSettings.fromEnv(
            Map.of(
                "HEALTH_PORT", " 9000 ", "LEADER_ELECTION", "FALSE", "LEASE_NAMESPACE", "leases"));
    assertThat(good.healthPort()).isEqualTo(9000);
    assertThat(good.leaderElection()).isFalse();
    assertThat(good.withPodNamespace("pod-ns").leaseNamespace()).isEqualTo("leases");
    OperatorSettings defaults = OperatorSettings.fromEnv(Map.of("HEALTH_PORT", ""));
    assertThat(defaults.healthPort()).isEqualTo(8081);
    assertThat(defaults.leaderElection()).isTrue();
    assertThat(defaults.withPodNamespace("pod-ns").leaseNamespace()).isEqualTo("pod-ns");
  }
}
