package dev.ratelimiter.operator.status;

import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.RateLimitPolicyStatus;
import dev.ratelimiter.operator.customresource.StatusConditions;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import java.time.Clock;
import java.util.function.UnaryOperator;

/**
 * Writes a policy's status only when it changed. The status is replaced through the status
 * subresource with optimistic locking (PUT, not a merge patch), so the conditions list is exactly
 * what was computed, and a conflict is retried on a fresh copy.
 */
public final class StatusWriter {

  private final Clock clock;
  private final PolicyStatusListener listener;

  public StatusWriter(Clock clock, PolicyStatusListener listener) {
    this.clock = clock;
    this.listener = listener;
  }

  public StatusWriter(Clock clock) {
    this(clock, PolicyStatusListener.NONE);
  }

  public StatusWriter() {
    this(Clock.systemUTC());
  }

  /**
   * Sets {@code computed} (conditions without times) as the status of {@code policy}, unless the
   * stored status already says the same; the listener hears it either way.
   *
   * @return true when a write happened
   */
  public boolean write(
      RateLimitPolicy policy, Context<RateLimitPolicy> context, RateLimitPolicyStatus computed) {
    RateLimitPolicyStatus merged = merge(policy.getStatus(), computed);
    listener.observed(policy, merged);
    if (merged.equals(policy.getStatus())) {
      return false;
    }
    UnaryOperator<RateLimitPolicy> apply =
        p -> {
          p.setStatus(merge(p.getStatus(), computed));
          return p;
        };
    PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(policy, context, apply);
    return true;
  }

  /**
   * {@code computed} with each condition's transition time kept from {@code previous} unless it
   * flipped.
   */
  RateLimitPolicyStatus merge(RateLimitPolicyStatus previous, RateLimitPolicyStatus computed) {
    RateLimitPolicyStatus s = new RateLimitPolicyStatus();
    s.setObservedGeneration(computed.getObservedGeneration());
    s.setConditions(
        StatusConditions.withTransitionTimes(
            previous == null ? null : previous.getConditions(), computed.getConditions(), clock));
    s.setAgents(computed.getAgents());
    s.setEndpoint(computed.getEndpoint());
    s.setLimits(computed.getLimits());
    return s;
  }
}
