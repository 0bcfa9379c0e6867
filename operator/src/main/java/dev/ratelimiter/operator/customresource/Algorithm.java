package dev.ratelimiter.operator.customresource;

/** Counting algorithms the agent implements today. */
public enum Algorithm {
  /** The window starts at the client's first request and its counter expires with it. */
  FixedWindow
}
