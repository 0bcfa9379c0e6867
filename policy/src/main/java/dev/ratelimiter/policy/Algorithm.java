package dev.ratelimiter.policy;

/** How a limit counts requests. */
public enum Algorithm {
  /** The window starts at the client's first request and lasts {@code window}; a key with a TTL. */
  FixedWindow,
  /**
   * In any interval of length {@code window}, at most {@code requests} are admitted (exact): the
   * admitted requests of the last window are remembered, at most {@link
   * Limit#MAX_SLIDING_WINDOW_REQUESTS}.
   */
  SlidingWindow,
  /**
   * GCRA: {@code requests} per {@code window} sustained, up to {@code burst} at once; one value per
   * client (the tokens left and when they were counted).
   */
  TokenBucket
}
