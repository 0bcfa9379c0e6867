package dev.ratelimiter.operator.dependent;

import dev.ratelimiter.operator.Labels;
import dev.ratelimiter.operator.Names;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.Map;

/** Secret {@code <name>-redis-auth}: the random password of the policy's own Redis. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class RedisAuthSecretDependentResource extends CreateOnceSecretDependentResource {

  @Override
  protected String name(RateLimitPolicy policy) {
    return Names.redisAuthSecret(policy);
  }

  @Override
  protected String key() {
    return Names.REDIS_PASSWORD_KEY;
  }

  @Override
  protected Map<String, String> labels(RateLimitPolicy policy) {
    return Labels.of(policy, Labels.REDIS);
  }
}
