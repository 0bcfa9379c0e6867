package dev.ratelimiter.operator.dependent;

import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.spec.Labels;
import dev.ratelimiter.operator.spec.Names;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** Service {@code <name>-redis}: cluster-internal address of the policy's Redis. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class RedisServiceDependentResource extends PolicyDependentResource<Service> {

  public RedisServiceDependentResource() {
    super(Service.class);
  }

  @Override
  protected String name(RateLimitPolicy policy) {
    return Names.redisService(policy);
  }

  @Override
  protected Service desired(RateLimitPolicy policy, Context<RateLimitPolicy> context) {
    return new ServiceBuilder()
        .withMetadata(meta(policy, name(policy), Labels.of(policy, Labels.REDIS)))
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(Labels.selector(policy, Labels.REDIS))
        .addNewPort()
        .withName("redis")
        .withProtocol("TCP")
        .withPort(Names.REDIS_PORT)
        .withTargetPort(new IntOrString("redis"))
        .endPort()
        .endSpec()
        .build();
  }

  /** The generic match, and an exact one of what is rendered in full ({@link ServiceFields}). */
  @Override
  public Matcher.Result<Service> match(
      Service actual, Service desired, RateLimitPolicy primary, Context<RateLimitPolicy> context) {
    Matcher.Result<Service> generic = super.match(actual, desired, primary, context);
    if (!generic.matched()) {
      return generic;
    }
    return Matcher.Result.computed(ServiceFields.matches(desired, actual), desired);
  }

  /** The replacing PUT keeps what the API server allocated and still applies, and the status. */
  @Override
  public Service update(
      Service actual, Service desired, RateLimitPolicy primary, Context<RateLimitPolicy> context) {
    ServiceFields.keepAllocated(actual, desired);
    desired.setStatus(actual.getStatus());
    return super.update(actual, desired, primary, context);
  }
}
