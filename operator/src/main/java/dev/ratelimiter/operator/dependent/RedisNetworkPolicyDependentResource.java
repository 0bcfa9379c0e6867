package dev.ratelimiter.operator.dependent;

import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.spec.Labels;
import dev.ratelimiter.operator.spec.Names;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** NetworkPolicy {@code <name>-redis}: only this policy's agent pods may reach its Redis. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class RedisNetworkPolicyDependentResource extends PolicyDependentResource<NetworkPolicy> {

  public RedisNetworkPolicyDependentResource() {
    super(NetworkPolicy.class);
  }

  @Override
  protected String name(RateLimitPolicy policy) {
    return Names.redisNetworkPolicy(policy);
  }

  @Override
  protected NetworkPolicy desired(RateLimitPolicy policy, Context<RateLimitPolicy> context) {
    return new NetworkPolicyBuilder()
        .withMetadata(meta(policy, name(policy), Labels.of(policy, Labels.REDIS)))
        .withNewSpec()
        .withNewPodSelector()
        .withMatchLabels(Labels.selector(policy, Labels.REDIS))
        .endPodSelector()
        .withPolicyTypes("Ingress")
        .addNewIngress()
        .addNewFrom()
        .withNewPodSelector()
        .withMatchLabels(Labels.selector(policy, Labels.AGENT))
        .endPodSelector()
        .endFrom()
        .addNewPort()
        .withProtocol("TCP")
        .withPort(new IntOrString(Names.REDIS_PORT))
        .endPort()
        .endIngress()
        .endSpec()
        .build();
  }
}
