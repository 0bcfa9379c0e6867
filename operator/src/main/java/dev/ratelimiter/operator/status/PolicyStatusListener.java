package dev.ratelimiter.operator.status;

import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.RateLimitPolicyStatus;

/** Told the status of a policy each time a reconcile has worked it out (the operator's metrics). */
@FunctionalInterface
public interface PolicyStatusListener {

  PolicyStatusListener NONE = (policy, status) -> {};

  void observed(RateLimitPolicy policy, RateLimitPolicyStatus status);
}
