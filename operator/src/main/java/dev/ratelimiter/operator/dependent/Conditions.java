package dev.ratelimiter.operator.dependent;

import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/**
 * Reconcile preconditions of the optional objects. When one turns false JOSDK deletes the object
 * (e.g. autoscaling switched off removes the HPA).
 */
public final class Conditions {

  private Conditions() {}

  /** Redis objects: only without {@code spec.redis.external}. */
  public static class InternalRedis implements Condition<HasMetadata, RateLimitPolicy> {
    @Override
    public boolean isMet(
        DependentResource<HasMetadata, RateLimitPolicy> dr,
        RateLimitPolicy p,
        Context<RateLimitPolicy> c) {
      return p.getSpec().internalRedis();
    }
  }

  /** HPA: only with {@code spec.agent.autoscaling}. */
  public static class AutoscalingEnabled implements Condition<HasMetadata, RateLimitPolicy> {
    @Override
    public boolean isMet(
        DependentResource<HasMetadata, RateLimitPolicy> dr,
        RateLimitPolicy p,
        Context<RateLimitPolicy> c) {
      return p.getSpec().effectiveAgent().getAutoscaling() != null;
    }
  }

  /** PDB: only when more than one agent runs (the minimum, with autoscaling). */
  public static class MultipleReplicas implements Condition<HasMetadata, RateLimitPolicy> {
    @Override
    public boolean isMet(
        DependentResource<HasMetadata, RateLimitPolicy> dr,
        RateLimitPolicy p,
        Context<RateLimitPolicy> c) {
      return p.getSpec().effectiveAgent().minimumReplicas() > 1;
    }
  }
}
