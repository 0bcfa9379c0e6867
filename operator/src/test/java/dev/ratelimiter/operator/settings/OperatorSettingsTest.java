package dev.ratelimiter.operator.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("OperatorSettings")
class OperatorSettingsTest {

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
