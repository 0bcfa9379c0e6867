package dev.ratelimiter.operator;

import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.dependent.AgentAdminSecretDependentResource;
import dev.ratelimiter.operator.dependent.AgentDeploymentDependentResource;
import dev.ratelimiter.operator.dependent.AgentHorizontalPodAutoscalerDependentResource;
import dev.ratelimiter.operator.dependent.AgentPodDisruptionBudgetDependentResource;
import dev.ratelimiter.operator.dependent.AgentPolicyConfigMapDependentResource;
import dev.ratelimiter.operator.dependent.AgentServiceDependentResource;
import dev.ratelimiter.operator.dependent.Conditions;
import dev.ratelimiter.operator.dependent.RedisAuthSecretDependentResource;
import dev.ratelimiter.operator.dependent.RedisDeploymentDependentResource;
import dev.ratelimiter.operator.dependent.RedisNetworkPolicyDependentResource;
import dev.ratelimiter.operator.dependent.RedisServiceDependentResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import java.util.List;

/**
 * Turns a RateLimitPolicy into its objects (the managed workflow below) and reports how it is
 * doing. The workflow is invoked explicitly so that an invalid spec changes nothing that runs.
 */
@ControllerConfiguration(name = RateLimitPolicyReconciler.NAME)
@Workflow(
    explicitInvocation = true,
    dependents = {
      @Dependent(name = "redis-auth-secret", type = RedisAuthSecretDependentResource.class, reconcilePrecondition = Conditions.InternalRedis.class),
      @Dependent(name = "redis-deployment", type = RedisDeploymentDependentResource.class, reconcilePrecondition = Conditions.InternalRedis.class, dependsOn = "redis-auth-secret"),
      @Dependent(name = "redis-service", type = RedisServiceDependentResource.class, reconcilePrecondition = Conditions.InternalRedis.class),
      @Dependent(name = "redis-network-policy", type = RedisNetworkPolicyDependentResource.class, reconcilePrecondition = Conditions.InternalRedis.class),
      @Dependent(name = "agent-admin-secret", type = AgentAdminSecretDependentResource.class),
      @Dependent(name = "agent-policy", type = AgentPolicyConfigMapDependentResource.class),
      @Dependent(name = "agent-deployment", type = AgentDeploymentDependentResource.class, dependsOn = {"agent-admin-secret", "agent-policy"}),
      @Dependent(name = "agent-service", type = AgentServiceDependentResource.class),
      @Dependent(name = "agent-hpa", type = AgentHorizontalPodAutoscalerDependentResource.class, reconcilePrecondition = Conditions.AutoscalingEnabled.class, dependsOn = "agent-deployment"),
      @Dependent(name = "agent-pdb", type = AgentPodDisruptionBudgetDependentResource.class, reconcilePrecondition = Conditions.MultipleReplicas.class),
    })
public class RateLimitPolicyReconciler implements Reconciler<RateLimitPolicy> {

  public static final String NAME = "ratelimitpolicy";

  @Override
  public UpdateControl<RateLimitPolicy> reconcile(RateLimitPolicy policy, Context<RateLimitPolicy> context) {
    List<String> problems = PolicyValidator.validate(policy.getSpec());
    if (!problems.isEmpty()) {
      var before = StatusHelper.find(policy.getStatus() == null ? null : policy.getStatus().getConditions(), StatusHelper.READY);
      if (StatusHelper.write(policy, context, ObservedStatus.invalid(policy, context, problems))
          && (before == null || !StatusHelper.INVALID_SPEC.equals(before.getReason()))) {
        StatusHelper.warn(policy, context, StatusHelper.INVALID_SPEC, String.join("; ", problems));
      }
      return UpdateControl.noUpdate();
    }
    context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
    StatusHelper.write(policy, context, ObservedStatus.of(policy, context));
    return UpdateControl.noUpdate();
  }

  @Override
  public ErrorStatusUpdateControl<RateLimitPolicy> updateErrorStatus(
      RateLimitPolicy policy, Context<RateLimitPolicy> context, Exception e) {
    try {
      if (StatusHelper.write(policy, context, ObservedStatus.failed(policy, context, e))) {
        StatusHelper.warn(policy, context, StatusHelper.reasonFor(e), StatusHelper.messageFor(e));
      }
    } catch (RuntimeException statusFailure) {
      e.addSuppressed(statusFailure);
    }
    return ErrorStatusUpdateControl.noStatusUpdate();
  }
}
