package dev.ratelimiter.operator.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.operator.Policies;
import dev.ratelimiter.operator.customresource.AgentSpec;
import dev.ratelimiter.operator.customresource.Autoscaling;
import dev.ratelimiter.operator.customresource.Backend;
import dev.ratelimiter.operator.customresource.ClientKey;
import dev.ratelimiter.operator.customresource.ExternalRedis;
import dev.ratelimiter.operator.customresource.LimitSpec;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import dev.ratelimiter.operator.customresource.RedisSpec;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("PolicyValidator")
class PolicyValidatorTest {

  List<String> problems(Consumer<RateLimitPolicySpec> build) {
    RateLimitPolicySpec s = Policies.spec(build);
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
