package dev.ratelimiter.operator.customresource;

/** What an agent does when its store cannot be reached. */
public enum FailurePolicy {
  /** Allow the request. */
  Open,
  /** Answer 503. */
  Closed
}
