package dev.ratelimiter.operator.status;

import static dev.ratelimiter.operator.customresource.StatusConditions.AGENTS_READY;
import static dev.ratelimiter.operator.customresource.StatusConditions.ENFORCED;
import static dev.ratelimiter.operator.customresource.StatusConditions.INVALID_SPEC;
import static dev.ratelimiter.operator.customresource.StatusConditions.READY;
import static dev.ratelimiter.operator.customresource.StatusConditions.REDIS_READY;
import static dev.ratelimiter.operator.customresource.StatusConditions.condition;
import static dev.ratelimiter.operator.customresource.StatusConditions.isTrue;

import dev.ratelimiter.operator.customresource.AgentsStatus;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.RateLimitPolicyStatus;
import dev.ratelimiter.operator.enforcement.Enforcement;
import dev.ratelimiter.operator.spec.Names;
import dev.ratelimiter.operator.spec.RedisUrls;
import dev.ratelimiter.operator.spec.Refusal;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Computes a policy's status from what the informers see (the Deployments' own status). Named so
 * because the status it builds is only ever what was observed (Deployments, push answers), never
 * what the spec asks for.
 */
public final class ObservedStatus {

  private ObservedStatus() {}

  /**
   * Status after a successful reconcile and push: Ready when Redis, every agent replica and the
   * enforcement of this generation by every ready agent pod are.
   */
  public static RateLimitPolicyStatus of(
      RateLimitPolicy p, Context<RateLimitPolicy> context, Enforcement enforcement) {
    Long gen = p.getMetadata().getGeneration();
    Condition redis =
        p.getSpec().internalRedis()
            ? redisCondition(p, context, gen)
            : ExternalRedisStatus.condition(p, enforcement, gen);
    Optional<Deployment> agents = deployment(context, Names.agentDeployment(p));
    Condition agentsReady = agentsCondition(agents, gen);
    Condition enforced = enforcement.condition();
    Condition readyCondition;
    if (!isTrue(redis)) {
      readyCondition = condition(READY, false, "RedisNotReady", redis.getMessage(), gen);
    } else if (!isTrue(agentsReady)) {
      readyCondition = condition(READY, false, "AgentsNotReady", agentsReady.getMessage(), gen);
    } else if (!isTrue(enforced)) {
      readyCondition = condition(READY, false, "NotEnforced", enforced.getMessage(), gen);
    } else {
      readyCondition =
          condition(
              READY,
              true,
              "Ready",
              "generation "
                  + gen
                  + " enforced by "
                  + enforcement.enforcing()
                  + " agent(s) at "
                  + Names.endpoint(p),
              gen);
    }
    return status(
        p,
        List.of(readyCondition, redis, agentsReady, enforced),
        agents,
        enforcement.enforcing(),
        limitsSummary(p));
  }

  /**
   * Status for a spec the validator rejected: nothing was applied, the running objects are
   * reported.
   */
  public static RateLimitPolicyStatus invalid(
      RateLimitPolicy p, Context<RateLimitPolicy> context, List<String> problems) {
    Long gen = p.getMetadata().getGeneration();
    Optional<Deployment> agents = deployment(context, Names.agentDeployment(p));
    String previousLimits = p.getStatus() == null ? null : p.getStatus().getLimits();
    return status(
        p,
        List.of(
            condition(
                READY,
                false,
                INVALID_SPEC,
                "invalid spec, nothing changed: " + String.join("; ", problems),
                gen),
            redisCondition(p, context, gen),
            agentsCondition(agents, gen),
            condition(
                ENFORCED,
                false,
                INVALID_SPEC,
                "generation "
                    + gen
                    + " is invalid and is not pushed; agents keep the policy they run",
                gen)),
        agents,
        0,
        previousLimits);
  }

  /**
   * Status when an input the spec names (the JWKS ConfigMap) cannot be used: Ready and Enforced
   * False with its reason, Redis and the agents as observed; nothing was applied or pushed.
   */
  public static RateLimitPolicyStatus unusableInput(
      RateLimitPolicy p, Context<RateLimitPolicy> context, Refusal refusal) {
    Long gen = p.getMetadata().getGeneration();
    Optional<Deployment> agents = deployment(context, Names.agentDeployment(p));
    return status(
        p,
        List.of(
            condition(READY, false, refusal.reason(), "nothing changed: " + refusal.message(), gen),
            redisCondition(p, context, gen),
            agentsCondition(agents, gen),
            condition(
                ENFORCED,
                false,
                refusal.reason(),
                "generation " + gen + " is not pushed; agents keep the policy and keys they run",
                gen)),
        agents,
        0,
        p.getStatus() == null ? null : p.getStatus().getLimits());
  }

  /** Status for an external Redis the operator may not use (RedisAccess): nothing was applied. */
  public static RateLimitPolicyStatus refused(
      RateLimitPolicy p, Context<RateLimitPolicy> context, Refusal refusal) {
    Long gen = p.getMetadata().getGeneration();
    Optional<Deployment> agents = deployment(context, Names.agentDeployment(p));
    return status(
        p,
        List.of(
            condition(READY, false, refusal.reason(), "nothing changed: " + refusal.message(), gen),
            condition(REDIS_READY, false, refusal.reason(), refusal.message(), gen),
            agentsCondition(agents, gen),
            condition(
                ENFORCED,
                false,
                refusal.reason(),
                "generation "
                    + gen
                    + " is not applied and not pushed; agents keep the policy they run",
                gen)),
        agents,
        0,
        p.getStatus() == null ? null : p.getStatus().getLimits());
  }

  /** Status after a failed reconcile: Ready=False with the failure, the rest as observed. */
  public static RateLimitPolicyStatus failed(
      RateLimitPolicy p, Context<RateLimitPolicy> context, Exception e) {
    Long gen = p.getMetadata().getGeneration();
    Optional<Deployment> agents = deployment(context, Names.agentDeployment(p));
    return status(
        p,
        List.of(
            condition(READY, false, FailureReasons.reasonFor(e), FailureReasons.messageFor(e), gen),
            redisCondition(p, context, gen),
            agentsCondition(agents, gen),
            condition(
                ENFORCED,
                false,
                "NotPushed",
                "generation " + gen + " not pushed: the reconcile failed (see Ready)",
                gen)),
        agents,
        0,
        p.getStatus() == null ? null : p.getStatus().getLimits());
  }

  private static RateLimitPolicyStatus status(
      RateLimitPolicy p,
      List<Condition> conditions,
      Optional<Deployment> agents,
      int enforcing,
      String limits) {
    RateLimitPolicyStatus s = new RateLimitPolicyStatus();
    s.setObservedGeneration(p.getMetadata().getGeneration());
    s.setConditions(conditions);
    s.setAgents(
        agents
            .map(d -> new AgentsStatus(desiredReplicas(d), readyReplicas(agents), enforcing))
            .orElse(new AgentsStatus(0, 0, enforcing)));
    s.setEndpoint(Names.endpoint(p));
    s.setLimits(limits);
    return s;
  }

  private static Condition redisCondition(
      RateLimitPolicy p, Context<RateLimitPolicy> context, Long gen) {
    if (!p.getSpec().internalRedis()) {
      return condition(
          REDIS_READY,
          true,
          "External",
          "using external Redis " + RedisUrls.redact(p.getSpec().getRedis().getExternal().getUrl()),
          gen);
    }
    Optional<Deployment> redis = deployment(context, Names.redisDeployment(p));
    if (redis.isEmpty()) {
      return condition(
          REDIS_READY,
          false,
          "Creating",
          "Redis Deployment " + Names.redisDeployment(p) + " not created yet",
          gen);
    }
    int ready = readyReplicas(redis);
    return ready >= 1
        ? condition(REDIS_READY, true, "DeploymentReady", "Redis is ready", gen)
        : condition(
            REDIS_READY,
            false,
            "DeploymentNotReady",
            "Redis Deployment " + Names.redisDeployment(p) + " has no ready replica",
            gen);
  }

  private static Condition agentsCondition(Optional<Deployment> agents, Long gen) {
    if (agents.isEmpty()) {
      return condition(AGENTS_READY, false, "Creating", "agent Deployment not created yet", gen);
    }
    int desired = desiredReplicas(agents.get());
    int ready = readyReplicas(agents);
    return desired > 0 && ready >= desired
        ? condition(
            AGENTS_READY,
            true,
            "ReplicasReady",
            ready + " of " + desired + " agent replicas ready",
            gen)
        : condition(
            AGENTS_READY,
            false,
            "ReplicasNotReady",
            ready + " of " + desired + " agent replicas ready",
            gen);
  }

  private static Optional<Deployment> deployment(Context<RateLimitPolicy> context, String name) {
    return context
        .getSecondaryResourcesAsStream(Deployment.class)
        .filter(d -> name.equals(d.getMetadata().getName()))
        .findFirst();
  }

  private static int desiredReplicas(Deployment d) {
    return d.getSpec() == null || d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
  }

  private static int readyReplicas(Optional<Deployment> d) {
    return d.map(Deployment::getStatus)
        .map(s -> s.getReadyReplicas() == null ? 0 : s.getReadyReplicas())
        .orElse(0);
  }

  /** e.g. {@code per-second=5/1s,per-minute=100/1m} */
  public static String limitsSummary(RateLimitPolicy p) {
    return p.getSpec().effectiveLimits().stream()
        .map(l -> l.getName() + "=" + l.getRequests() + "/" + l.getWindow())
        .collect(Collectors.joining(","));
  }
}
