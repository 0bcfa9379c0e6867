package dev.ratelimiter.operator.dependent;

import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.spec.JwksAccess;
import dev.ratelimiter.operator.spec.Labels;
import dev.ratelimiter.operator.spec.Names;
import dev.ratelimiter.operator.spec.OverrideAccess;
import dev.ratelimiter.operator.spec.SpecDocument;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** ConfigMap {@code <name>-agent-policy}: the policy document agents load at start. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class AgentPolicyConfigMapDependentResource extends PolicyDependentResource<ConfigMap> {

  public AgentPolicyConfigMapDependentResource() {
    super(ConfigMap.class);
  }

  @Override
  protected String name(RateLimitPolicy policy) {
    return Names.agentPolicyConfigMap(policy);
  }

  @Override
  protected ConfigMap desired(RateLimitPolicy policy, Context<RateLimitPolicy> context) {
    return new ConfigMapBuilder()
        .withMetadata(meta(policy, name(policy), Labels.of(policy, Labels.AGENT)))
        .addToData(
            Names.POLICY_KEY,
            SpecDocument.yaml(
                policy,
                1,
                JwksAccess.read(policy, context).jwks(),
                OverrideAccess.read(policy, context).document()))
        .build();
  }
}
