package dev.ratelimiter.policy;

/** What the agent does when the counter store does not answer in time. */
public enum FailurePolicy {
  /** Allow the request (availability over exactness). */
  Open,
  /** Refuse with 503. */
  Closed,
  /**
   * Each agent enforces its share of every limit on its own, {@code ceil(requests / agents)} per
   * client and window, until the store answers again.
   */
  Local
}
