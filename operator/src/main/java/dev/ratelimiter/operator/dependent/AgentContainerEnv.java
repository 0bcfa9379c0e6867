package dev.ratelimiter.operator.dependent;

import dev.ratelimiter.contract.AgentContract.Env;
import dev.ratelimiter.operator.customresource.Backend;
import dev.ratelimiter.operator.customresource.ExternalRedis;
import dev.ratelimiter.operator.customresource.ExternalRedisMode;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.spec.Names;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent container's environment: the settings of the operator-agent contract ({@code
 * AgentContract.Env}) a policy implies — ports, the policy file, its Redis (the one the operator
 * runs, or the external one, with its password from a Secret), the admin token and the backend.
 */
final class AgentContainerEnv {

  private AgentContainerEnv() {}

  static List<EnvVar> of(RateLimitPolicy policy) {
    List<EnvVar> env = new ArrayList<>();
    env.add(plain(Env.BIND_ADDRESS, "0.0.0.0"));
    env.add(plain(Env.HTTP_PORT, String.valueOf(Names.AGENT_HTTP_PORT)));
    env.add(plain(Env.MANAGEMENT_PORT, String.valueOf(Names.AGENT_MANAGEMENT_PORT)));
    env.add(plain(Env.GRPC_PORT, String.valueOf(Names.AGENT_GRPC_PORT)));
    env.add(plain(Env.POLICY_FILE, Names.POLICY_FILE));
    ExternalRedis external =
        policy.getSpec().internalRedis() ? null : policy.getSpec().getRedis().getExternal();
    if (external == null) {
      env.add(plain(Env.REDIS_URL, Names.internalRedisUrl(policy)));
      env.add(
          fromSecret(Env.REDIS_PASSWORD, Names.redisAuthSecret(policy), Names.REDIS_PASSWORD_KEY));
    } else {
      env.add(plain(Env.REDIS_URL, external.getUrl()));
      // Standalone is the agents' default: rendered only when it is not, so a defaulted spec
      // renders as an undefaulted one.
      if (!ExternalRedisMode.Standalone.name().equals(external.effectiveMode())) {
        env.add(plain(Env.REDIS_MODE, external.effectiveMode()));
      }
      if (ExternalRedisMode.Sentinel.name().equals(external.effectiveMode())
          && external.getMasterName() != null) {
        env.add(plain(Env.REDIS_MASTER_NAME, external.getMasterName()));
      }
      if (external.getPasswordSecretRef() != null) {
        env.add(
            fromSecret(
                Env.REDIS_PASSWORD,
                external.getPasswordSecretRef().getName(),
                external.getPasswordSecretRef().getKey()));
      }
    }
    env.add(fromSecret(Env.ADMIN_TOKEN, Names.agentAdminSecret(policy), Names.ADMIN_TOKEN_KEY));
    Backend backend = policy.getSpec().getBackend();
    if (backend != null) {
      env.add(plain(Env.BACKEND_URL, Names.backendUrl(policy, backend)));
      env.add(
          plain(Env.BACKEND_TIMEOUT_MS, String.valueOf(backend.effectiveTimeoutSeconds() * 1000L)));
    }
    return env;
  }

  private static EnvVar plain(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  private static EnvVar fromSecret(String name, String secret, String key) {
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
}
