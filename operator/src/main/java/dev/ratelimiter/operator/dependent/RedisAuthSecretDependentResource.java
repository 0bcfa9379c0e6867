package dev.ratelimiter.operator.dependent;

import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.spec.Labels;
import dev.ratelimiter.operator.spec.Names;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.ReconcileResult;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.Map;

/**
 * Secret {@code <name>-redis-auth}: the random password of the policy's own Redis, only while the
 * operator runs that Redis. With {@code spec.redis.external} it is deleted (the Redis it protected
 * is deleted too, and nothing else reads it); switched back, it is created anew with a new value.
 * That is done here rather than by a reconcile precondition because the agent Deployment depends on
 * this Secret (it needs the value's hash before it renders), and a precondition that does not hold
 * deletes the dependents too.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class RedisAuthSecretDependentResource extends CreateOnceSecretDependentResource {

  @Override
  public ReconcileResult<Secret> reconcile(
      RateLimitPolicy policy, Context<RateLimitPolicy> context) {
    if (policy.getSpec().internalRedis()) {
      return super.reconcile(policy, context);
    }
    getSecondaryResource(policy, context)
        .ifPresent(secret -> handleDelete(policy, secret, context));
    return ReconcileResult.noOperation(null);
  }

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
