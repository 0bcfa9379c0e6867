package dev.ratelimiter.operator.enforcement;

import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.spec.JwksAccess;
import dev.ratelimiter.operator.spec.Names;
import dev.ratelimiter.operator.spec.OverrideAccess;
import dev.ratelimiter.operator.spec.SpecDocument;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings every ready agent pod of a policy to its current generation without ever waiting on the
 * network: {@link #enforce} starts the pushes that are due (the rendered document, the same text as
 * ConfigMap {@code <name>-agent-policy}, with the token of Secret {@code <name>-agent-admin}) and
 * returns at once with the latest known answers. Each answer arrives later as an event of {@link
 * #eventSource()}, whose reconcile reports it; {@link #nextCheck} says when a pod that has not
 * confirmed (backoff) or whose confirmation ages (resync) is due again.
 */
public final class PolicyEnforcer {

  private static final Logger log = LoggerFactory.getLogger(PolicyEnforcer.class);

  private final PolicyPusher pusher;
  private final PushMetrics metrics;
  private final PushTracker tracker;
  private final PushEventSource events;

  public PolicyEnforcer(PolicyPusher pusher, PushMetrics metrics) {
    this.pusher = pusher;
    this.metrics = metrics;
    this.tracker = new PushTracker(System::nanoTime);
    this.events = new PushEventSource(tracker::forget);
  }

  public PolicyEnforcer(PushMetrics metrics) {
    this(new PolicyPusher(), metrics);
  }

  /** The event source that turns push answers into reconciles; register it with the controller. */
  public PushEventSource eventSource() {
    return events;
  }

  /**
   * Starts the pushes that are due and reports what the ready agent pods last answered; never
   * blocks.
   */
  public Enforcement enforce(RateLimitPolicy policy, Context<RateLimitPolicy> context) {
    long generation =
        policy.getMetadata().getGeneration() == null ? 0 : policy.getMetadata().getGeneration();
    ResourceID id = ResourceID.fromResource(policy);
    List<AgentPod> pods = AgentPod.ready(context.getSecondaryResources(Pod.class));
    if (pods.isEmpty()) {
      tracker.forget(id);
      return Enforcement.blocked(generation, 0, null);
    }
    Optional<String> token = adminToken(policy, context);
    if (token.isEmpty()) {
      return Enforcement.blocked(
          generation,
          pods.size(),
          "Secret " + Names.agentAdminSecret(policy) + " with the admin token not found");
    }
    // agents: the ready pods that share the limits (failurePolicy Local); a new count re-pushes the
    // same generation
    String document =
        SpecDocument.yaml(
            policy,
            pods.size(),
            JwksAccess.read(policy, context).jwks(),
            OverrideAccess.read(policy, context).document());
    for (AgentPod pod : tracker.due(id, pods, generation, document)) {
      PushTracker.Target target = PushTracker.Target.of(pod, generation, document);
      long started = System.nanoTime();
      pusher
          .push(pod, document, generation, token.get())
          .thenAccept(
              result ->
                  answered(
                      id,
                      policy,
                      pod,
                      target,
                      result,
                      Duration.ofNanos(System.nanoTime() - started)));
    }
    return Enforcement.of(generation, tracker.latest(id, pods, generation));
  }

  /**
   * When to reconcile again though no event comes: the earliest pod due for a retry or a resync.
   */
  public Optional<Duration> nextCheck(RateLimitPolicy policy) {
    return tracker.nextDue(ResourceID.fromResource(policy));
  }

  private void answered(
      ResourceID id,
      RateLimitPolicy policy,
      AgentPod pod,
      PushTracker.Target target,
      PushResult result,
      Duration latency) {
    try {
      metrics.pushed(result.outcome(), latency);
      if (!result.confirmed()) {
        log.info("{}: agent pod {}", Names.policyId(policy), result.describe());
      }
      if (tracker.completed(id, pod.name(), target, result)) {
        events.answered(id);
      }
    } catch (RuntimeException e) {
      log.warn(
          "{}: could not record the answer of agent pod {}", Names.policyId(policy), pod.name(), e);
    }
  }

  public static Optional<String> adminToken(
      RateLimitPolicy policy, Context<RateLimitPolicy> context) {
    String name = Names.agentAdminSecret(policy);
    return context
        .getSecondaryResourcesAsStream(Secret.class)
        .filter(s -> name.equals(s.getMetadata().getName()))
        .findFirst()
        .map(Secret::getData)
        .map(d -> d.get(Names.ADMIN_TOKEN_KEY))
        .map(v -> new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8));
  }
}
