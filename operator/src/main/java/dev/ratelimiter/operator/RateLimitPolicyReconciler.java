package dev.ratelimiter.operator;

import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.dependent.AgentAdminSecretDependentResource;
import dev.ratelimiter.operator.dependent.AgentDeploymentDependentResource;
import dev.ratelimiter.operator.dependent.AgentHorizontalPodAutoscalerDependentResource;
import dev.ratelimiter.operator.dependent.AgentNetworkPolicyDependentResource;
import dev.ratelimiter.operator.dependent.AgentPodDisruptionBudgetDependentResource;
import dev.ratelimiter.operator.dependent.AgentPolicyConfigMapDependentResource;
import dev.ratelimiter.operator.dependent.AgentServiceDependentResource;
import dev.ratelimiter.operator.dependent.Conditions;
import dev.ratelimiter.operator.dependent.RedisAuthSecretDependentResource;
import dev.ratelimiter.operator.dependent.RedisDeploymentDependentResource;
import dev.ratelimiter.operator.dependent.RedisNetworkPolicyDependentResource;
import dev.ratelimiter.operator.dependent.RedisServiceDependentResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ContextInitializer;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import dev.ratelimiter.operator.enforcement.AgentPodEventSource;
import dev.ratelimiter.operator.enforcement.Enforcement;
import dev.ratelimiter.operator.enforcement.PolicyEnforcer;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Turns a RateLimitPolicy into its objects (the managed workflow below), pushes the current
 * generation to every ready agent pod ({@link PolicyEnforcer}) and reports how it is doing. The
 * workflow is invoked explicitly so that an invalid spec changes nothing that runs. Agent pod
 * events trigger a reconcile; a periodic resync (30 s) re-pushes, and a push some pod has not
 * confirmed is retried with backoff.
 */
@ControllerConfiguration(
    name = RateLimitPolicyReconciler.NAME,
    maxReconciliationInterval = @MaxReconciliationInterval(interval = 30, timeUnit = TimeUnit.SECONDS))
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
      @Dependent(name = "agent-network-policy", type = AgentNetworkPolicyDependentResource.class),
      @Dependent(name = "agent-hpa", type = AgentHorizontalPodAutoscalerDependentResource.class, reconcilePrecondition = Conditions.AutoscalingEnabled.class, dependsOn = "agent-deployment"),
      @Dependent(name = "agent-pdb", type = AgentPodDisruptionBudgetDependentResource.class, reconcilePrecondition = Conditions.MultipleReplicas.class),
    })
public class RateLimitPolicyReconciler implements Reconciler<RateLimitPolicy>, ContextInitializer<RateLimitPolicy> {

  public static final String NAME = "ratelimitpolicy";
  private final OperatorSettings settings;
  private final PolicyEnforcer enforcer = new PolicyEnforcer();

  public RateLimitPolicyReconciler(OperatorSettings settings) {
    this.settings = settings;
  }

  /** Every reconcile's context carries the settings, for the dependents and {@link RedisAccess}. */
  @Override
  public void initContext(RateLimitPolicy policy, Context<RateLimitPolicy> context) {
    settings.putInto(context);
  }

  @Override
  public List<EventSource<?, RateLimitPolicy>> prepareEventSources(EventSourceContext<RateLimitPolicy> context) {
    return List.of(AgentPodEventSource.create(context), RedisAccess.secrets(context));
  }

  @Override
  public UpdateControl<RateLimitPolicy> reconcile(RateLimitPolicy policy, Context<RateLimitPolicy> context) {
    List<String> problems = PolicyValidator.validate(policy);
    if (!problems.isEmpty()) {
      var before = StatusHelper.find(policy.getStatus() == null ? null : policy.getStatus().getConditions(), StatusHelper.READY);
      if (StatusHelper.write(policy, context, ObservedStatus.invalid(policy, context, problems))
          && (before == null || !StatusHelper.INVALID_SPEC.equals(before.getReason()))) {
        StatusHelper.warn(policy, context, StatusHelper.INVALID_SPEC, String.join("; ", problems));
      }
      return UpdateControl.noUpdate();
    }
    Optional<RedisAccess.Refusal> refusal = RedisAccess.check(policy, context);
    if (refusal.isPresent()) {
      // like an invalid spec: nothing is rendered with the refused Secret or host
      var before = StatusHelper.find(policy.getStatus() == null ? null : policy.getStatus().getConditions(), StatusHelper.READY);
      if (StatusHelper.write(policy, context, ObservedStatus.refused(policy, context, refusal.get()))
          && (before == null || !refusal.get().reason().equals(before.getReason()))) {
        StatusHelper.warn(policy, context, refusal.get().reason(), refusal.get().message());
      }
      return UpdateControl.noUpdate();
    }
    context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
    Enforcement enforcement = enforcer.enforce(policy, context);
    StatusHelper.write(policy, context, ObservedStatus.of(policy, context, enforcement));
    UpdateControl<RateLimitPolicy> control = UpdateControl.noUpdate();
    enforcer.retryAfter(policy, enforcement).ifPresent(control::rescheduleAfter);
    return control;
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
