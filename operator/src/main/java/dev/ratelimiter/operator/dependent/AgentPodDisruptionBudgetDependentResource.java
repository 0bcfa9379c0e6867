package dev.ratelimiter.operator.dependent;

import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.spec.Labels;
import dev.ratelimiter.operator.spec.Names;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * PodDisruptionBudget {@code <name>-agent}, when the fleet has more than one replica: a drain takes
 * at most one agent at a time.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class AgentPodDisruptionBudgetDependentResource
    extends PolicyDependentResource<PodDisruptionBudget> {

  public AgentPodDisruptionBudgetDependentResource() {
    super(PodDisruptionBudget.class);
  }

  @Override
  protected String name(RateLimitPolicy policy) {
    return Names.agentPdb(policy);
  }

  @Override
  protected PodDisruptionBudget desired(RateLimitPolicy policy, Context<RateLimitPolicy> context) {
    return new PodDisruptionBudgetBuilder()
        .withMetadata(meta(policy, name(policy), Labels.of(policy, Labels.AGENT)))
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(1))
        .withNewSelector()
        .withMatchLabels(Labels.selector(policy, Labels.AGENT))
        .endSelector()
        .endSpec()
        .build();
  }
}
