package dev.ratelimiter.policy;

/** Whether a policy refuses requests over a limit. */
public enum Mode {
  /** Refuse requests over a limit (429). */
  Enforce,
  /**
   * Count exactly as Enforce would, but let a would-be refusal through (headers as usual, metrics,
   * a rate-bounded log line).
   */
  Shadow
}
