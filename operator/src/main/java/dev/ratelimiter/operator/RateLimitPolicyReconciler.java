package dev.ratelimiter.operator;

import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.RateLimitPolicyStatus;
import dev.ratelimiter.operator.customresource.StatusConditions;
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
import dev.ratelimiter.operator.enforcement.AgentPodEventSource;
import dev.ratelimiter.operator.enforcement.Enforcement;
import dev.ratelimiter.operator.enforcement.PolicyEnforcer;
import dev.ratelimiter.operator.oncall.ClientRequests;
import dev.ratelimiter.operator.oncall.PolicyUpdateFilter;
import dev.ratelimiter.operator.settings.OperatorSettings;
import dev.ratelimiter.operator.spec.JwksAccess;
import dev.ratelimiter.operator.spec.OverrideAccess;
import dev.ratelimiter.operator.spec.PolicyValidator;
import dev.ratelimiter.operator.spec.RedisAccess;
import dev.ratelimiter.operator.spec.Refusal;
import dev.ratelimiter.operator.status.FailureReasons;
import dev.ratelimiter.operator.status.ObservedStatus;
import dev.ratelimiter.operator.status.OverrideStatusWriter;
import dev.ratelimiter.operator.status.PolicyStatusListener;
import dev.ratelimiter.operator.status.StatusWriter;
import dev.ratelimiter.operator.status.WarningEvents;
import io.fabric8.kubernetes.api.model.Condition;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ContextInitializer;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Turns a RateLimitPolicy into its objects (the managed workflow below), starts pushing the current
 * generation to every ready agent pod ({@link PolicyEnforcer}, asynchronous: a reconcile never
 * waits on an agent) and reports how it is doing from the latest answers. The workflow is invoked
 * explicitly so that an invalid spec changes nothing that runs. Agent pod events and push answers
 * trigger a reconcile; a pod that has not confirmed is pushed again with backoff, and every
 * confirmation is refreshed at least every 30 s.
 */
@ControllerConfiguration(
    name = RateLimitPolicyReconciler.NAME,
    // annotations ask for on-call actions (ClientRequests): PolicyUpdateFilter lets those changes
    // through as well as new generations
    generationAwareEventProcessing = false,
    informer = @Informer(onUpdateFilter = PolicyUpdateFilter.class),
    maxReconciliationInterval =
        @MaxReconciliationInterval(interval = 30, timeUnit = TimeUnit.SECONDS))
@Workflow(
    explicitInvocation = true,
    dependents = {
      // no precondition: it deletes itself with an external Redis, since the agent Deployment
      // depends on it
      @Dependent(
          name = RateLimitPolicyReconciler.REDIS_AUTH_SECRET,
          type = RedisAuthSecretDependentResource.class),
      @Dependent(
          name = RateLimitPolicyReconciler.REDIS_DEPLOYMENT,
          type = RedisDeploymentDependentResource.class,
          reconcilePrecondition = Conditions.InternalRedis.class,
          dependsOn = RateLimitPolicyReconciler.REDIS_AUTH_SECRET),
      @Dependent(
          name = RateLimitPolicyReconciler.REDIS_SERVICE,
          type = RedisServiceDependentResource.class,
          reconcilePrecondition = Conditions.InternalRedis.class),
      @Dependent(
          name = RateLimitPolicyReconciler.REDIS_NETWORK_POLICY,
          type = RedisNetworkPolicyDependentResource.class,
          reconcilePrecondition = Conditions.InternalRedis.class),
      @Dependent(
          name = RateLimitPolicyReconciler.AGENT_ADMIN_SECRET,
          type = AgentAdminSecretDependentResource.class),
      @Dependent(
          name = RateLimitPolicyReconciler.AGENT_POLICY,
          type = AgentPolicyConfigMapDependentResource.class),
      @Dependent(
          name = RateLimitPolicyReconciler.AGENT_DEPLOYMENT,
          type = AgentDeploymentDependentResource.class,
          dependsOn = {
            RateLimitPolicyReconciler.AGENT_ADMIN_SECRET,
            RateLimitPolicyReconciler.REDIS_AUTH_SECRET,
            RateLimitPolicyReconciler.AGENT_POLICY
          }),
      @Dependent(
          name = RateLimitPolicyReconciler.AGENT_SERVICE,
          type = AgentServiceDependentResource.class),
      @Dependent(
          name = RateLimitPolicyReconciler.AGENT_NETWORK_POLICY,
          type = AgentNetworkPolicyDependentResource.class),
      @Dependent(
          name = RateLimitPolicyReconciler.AGENT_HPA,
          type = AgentHorizontalPodAutoscalerDependentResource.class,
          reconcilePrecondition = Conditions.AutoscalingEnabled.class,
          dependsOn = RateLimitPolicyReconciler.AGENT_DEPLOYMENT),
      @Dependent(
          name = RateLimitPolicyReconciler.AGENT_PDB,
          type = AgentPodDisruptionBudgetDependentResource.class,
          reconcilePrecondition = Conditions.MultipleReplicas.class),
    })
public class RateLimitPolicyReconciler
    implements Reconciler<RateLimitPolicy>, ContextInitializer<RateLimitPolicy> {

  public static final String NAME = "ratelimitpolicy";

  /** The workflow's dependents, by the names {@code dependsOn} uses. */
  public static final String REDIS_AUTH_SECRET = "redis-auth-secret";

  public static final String REDIS_DEPLOYMENT = "redis-deployment";
  public static final String REDIS_SERVICE = "redis-service";
  public static final String REDIS_NETWORK_POLICY = "redis-network-policy";
  public static final String AGENT_ADMIN_SECRET = "agent-admin-secret";
  public static final String AGENT_POLICY = "agent-policy";
  public static final String AGENT_DEPLOYMENT = "agent-deployment";
  public static final String AGENT_SERVICE = "agent-service";
  public static final String AGENT_NETWORK_POLICY = "agent-network-policy";
  public static final String AGENT_HPA = "agent-hpa";
  public static final String AGENT_PDB = "agent-pdb";
  private final OperatorSettings settings;
  private final PolicyEnforcer enforcer;
  private final StatusWriter status;
  private final WarningEvents events = new WarningEvents();
  private final ClientRequests clientRequests = new ClientRequests();
  private final OverrideStatusWriter overrideStatus =
      new OverrideStatusWriter(java.time.Clock.systemUTC(), events);

  public RateLimitPolicyReconciler(OperatorSettings settings, PolicyEnforcer enforcer) {
    this(settings, enforcer, PolicyStatusListener.NONE);
  }

  /**
   * @param statuses hears every status a reconcile works out (the operator's metrics)
   */
  public RateLimitPolicyReconciler(
      OperatorSettings settings, PolicyEnforcer enforcer, PolicyStatusListener statuses) {
    this.settings = settings;
    this.enforcer = enforcer;
    this.status = new StatusWriter(java.time.Clock.systemUTC(), statuses);
  }

  /** Every reconcile's context carries the settings, for the dependents and {@link RedisAccess}. */
  @Override
  public void initContext(RateLimitPolicy policy, Context<RateLimitPolicy> context) {
    settings.putInto(context);
  }

  @Override
  public List<EventSource<?, RateLimitPolicy>> prepareEventSources(
      EventSourceContext<RateLimitPolicy> context) {
    return List.of(
        AgentPodEventSource.create(context),
        RedisAccess.secrets(context),
        JwksAccess.configMaps(context),
        OverrideAccess.informer(context),
        enforcer.eventSource());
  }

  @Override
  public UpdateControl<RateLimitPolicy> reconcile(
      RateLimitPolicy policy, Context<RateLimitPolicy> context) {
    List<String> problems = PolicyValidator.validate(policy);
    if (!problems.isEmpty()) {
      // nothing is applied or pushed: the running objects keep the last valid generation
      refuse(
          policy,
          context,
          ObservedStatus.invalid(policy, context, problems),
          StatusConditions.INVALID_SPEC,
          String.join("; ", problems));
      return UpdateControl.noUpdate();
    }
    Optional<Refusal> refusal = RedisAccess.check(policy, context);
    if (refusal.isPresent()) {
      // like an invalid spec: nothing is rendered with the refused Secret or host
      refuse(
          policy,
          context,
          ObservedStatus.refused(policy, context, refusal.get()),
          refusal.get().reason(),
          refusal.get().message());
      return UpdateControl.noUpdate();
    }
    Refusal jwks = JwksAccess.read(policy, context).refusal();
    if (jwks != null) {
      // the agents keep the keys they have: nothing is rendered without a valid JWKS
      refuse(
          policy,
          context,
          ObservedStatus.unusableInput(policy, context, jwks),
          jwks.reason(),
          jwks.message());
      return UpdateControl.noUpdate();
    }
    context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
    Enforcement enforcement = enforcer.enforce(policy, context);
    if (!enforcement.awaitingFirstAnswers()) {
      // else the first answers, each an event, bring the next reconcile within the push timeout:
      // no status that only says "asked, no answer yet" in between
      status.write(policy, context, ObservedStatus.of(policy, context, enforcement));
    }
    clientRequests.handle(policy, context);
    OverrideAccess.Judged overrides = OverrideAccess.read(policy, context);
    overrideStatus.write(overrides.verdicts(), context);
    UpdateControl<RateLimitPolicy> control = UpdateControl.noUpdate();
    // an override's end turns it Expired on time (the agents stop applying it by themselves)
    Optional<Duration> untilExpiry =
        overrides
            .nextChange()
            .map(t -> Duration.between(Instant.now(), t).plusMillis(100))
            .map(d -> d.isNegative() ? Duration.ZERO : d);
    Optional<Duration> next = enforcer.nextCheck(policy);
    if (untilExpiry.isPresent()
        && (next.isEmpty() || untilExpiry.get().compareTo(next.get()) < 0)) {
      next = untilExpiry;
    }
    next.ifPresent(control::rescheduleAfter);
    return control;
  }

  /** Writes a refusal's status, with a Warning Event when Ready newly carries this reason. */
  private void refuse(
      RateLimitPolicy policy,
      Context<RateLimitPolicy> context,
      RateLimitPolicyStatus computed,
      String reason,
      String message) {
    Condition before =
        StatusConditions.find(
            policy.getStatus() == null ? null : policy.getStatus().getConditions(),
            StatusConditions.READY);
    if (status.write(policy, context, computed)
        && (before == null || !reason.equals(before.getReason()))) {
      events.warn(policy, context, reason, message);
    }
  }

  @Override
  public ErrorStatusUpdateControl<RateLimitPolicy> updateErrorStatus(
      RateLimitPolicy policy, Context<RateLimitPolicy> context, Exception e) {
    try {
      if (status.write(policy, context, ObservedStatus.failed(policy, context, e))) {
        events.warn(policy, context, FailureReasons.reasonFor(e), FailureReasons.messageFor(e));
      }
    } catch (RuntimeException statusFailure) {
      e.addSuppressed(statusFailure);
    }
    return ErrorStatusUpdateControl.noStatusUpdate();
  }
}
