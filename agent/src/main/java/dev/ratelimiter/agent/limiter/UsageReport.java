package dev.ratelimiter.agent.limiter;

import dev.ratelimiter.policy.Limit;

/** What a backend reported a request to have spent, per token budget. */
@FunctionalInterface
public interface UsageReport {

  /** Nothing reported: every reservation stands. */
  UsageReport UNKNOWN = limit -> -1;

  /** Tokens spent against {@code limit} (one with a cost); -1 when the response did not say. */
  long tokens(Limit limit);
}
