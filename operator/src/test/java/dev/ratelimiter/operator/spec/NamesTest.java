package dev.ratelimiter.operator.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.operator.Policies;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Names")
class NamesTest {

  @Test
  @DisplayName("Names gives the objects the names users and docs rely on")
  void names() {
    RateLimitPolicy p = Policies.policy("shop", "public-api", new RateLimitPolicySpec());
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
}
