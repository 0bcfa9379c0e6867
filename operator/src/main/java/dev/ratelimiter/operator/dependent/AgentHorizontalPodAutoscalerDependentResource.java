package dev.ratelimiter.operator.dependent;

import dev.ratelimiter.operator.customresource.Autoscaling;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.spec.Labels;
import dev.ratelimiter.operator.spec.Names;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** HorizontalPodAutoscaler {@code <name>-agent}, only with {@code spec.agent.autoscaling}. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class AgentHorizontalPodAutoscalerDependentResource
    extends PolicyDependentResource<HorizontalPodAutoscaler> {

  public AgentHorizontalPodAutoscalerDependentResource() {
    super(HorizontalPodAutoscaler.class);
  }

  @Override
  protected String name(RateLimitPolicy policy) {
    return Names.agentHpa(policy);
  }

  @Override
  protected HorizontalPodAutoscaler desired(
      RateLimitPolicy policy, Context<RateLimitPolicy> context) {
    Autoscaling as = policy.getSpec().effectiveAgent().getAutoscaling();
    return new HorizontalPodAutoscalerBuilder()
        .withMetadata(meta(policy, name(policy), Labels.of(policy, Labels.AGENT)))
        .withNewSpec()
        .withNewScaleTargetRef()
        .withApiVersion("apps/v1")
        .withKind("Deployment")
        .withName(Names.agentDeployment(policy))
        .endScaleTargetRef()
        .withMinReplicas(as.effectiveMinReplicas())
        .withMaxReplicas(as.getMaxReplicas())
        .addNewMetric()
        .withType("Resource")
        .withNewResource()
        .withName("cpu")
        .withNewTarget()
        .withType("Utilization")
        .withAverageUtilization(as.effectiveTargetCPUUtilizationPercentage())
        .endTarget()
        .endResource()
        .endMetric()
        .endSpec()
        .build();
  }
}
