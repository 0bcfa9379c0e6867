package dev.ratelimiter.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.operator.Policies;
import dev.ratelimiter.operator.customresource.ExternalRedis;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import dev.ratelimiter.operator.customresource.RedisSpec;
import dev.ratelimiter.operator.enforcement.AgentPod;
import dev.ratelimiter.operator.enforcement.Enforcement;
import dev.ratelimiter.operator.enforcement.PushResult;
import dev.ratelimiter.operator.enforcement.PushResult.Outcome;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("RedisReady of an external Redis follows what the agents report in their push answers")
class ExternalRedisStatusTest {

  static final AgentPod A = new AgentPod("api-agent-a", "10.0.0.1", 9090);
  static final AgentPod B = new AgentPod("api-agent-b", "10.0.0.2", 9090);

  static RateLimitPolicy sentinelPolicy() {
    ExternalRedis external = new ExternalRedis("redis://s1:26379,s2:26379,s3:26379", null);
    external.setMode("Sentinel");
    RateLimitPolicySpec spec = new RateLimitPolicySpec();
    spec.setRedis(new RedisSpec(external));
    return Policies.policy("shop", "api", 3, spec);
  }

  static Condition condition(PushResult... results) {
    return ExternalRedisStatus.condition(sentinelPolicy(), Enforcement.of(3, List.of(results)), 3L);
  }

  @Test
  @DisplayName("True once the agents that answered reach it")
  void reachable() {
    Condition c =
        condition(
            new PushResult(A, Outcome.CONFIRMED, 3L, null, true, null),
            new PushResult(B, Outcome.CONFIRMED, 3L, null, true, null));
    assertThat(c.getStatus()).isEqualTo("True");
    assertThat(c.getReason()).isEqualTo("ReachableFromAgents");
    assertThat(c.getMessage())
        .isEqualTo(
            "every agent pod that answered (2) reaches external Redis (Sentinel) redis://s1:26379,s2:26379,s3:26379");
  }

  @Test
  @DisplayName("False, naming the pods and their reason, when any agent does not reach it")
  void unreachable() {
    Condition c =
        condition(
            new PushResult(A, Outcome.CONFIRMED, 3L, null, true, null),
            new PushResult(
                B,
                Outcome.CONFIRMED,
                3L,
                null,
                false,
                "not connected to Redis at master mymaster: Connection refused"));
    assertThat(c.getStatus()).isEqualTo("False");
    assertThat(c.getReason()).isEqualTo("UnreachableFromAgents");
    assertThat(c.getMessage())
        .startsWith("1 of 2 agent pod(s) cannot reach external Redis (Sentinel)")
        .contains("api-agent-b: not connected to Redis at master mymaster: Connection refused");
  }

  @Test
  @DisplayName(
      "True with reason External while no agent has reported (none ready yet, or an agent that does not say)")
  void notReported() {
    Condition c =
        condition(new PushResult(A, Outcome.CONFIRMED, 3L, null), PushResult.inFlight(B, 3, null));
    assertThat(c.getStatus()).isEqualTo("True");
    assertThat(c.getReason()).isEqualTo("External");
    assertThat(c.getMessage()).contains("no agent pod has reported reaching it yet");
  }
}
