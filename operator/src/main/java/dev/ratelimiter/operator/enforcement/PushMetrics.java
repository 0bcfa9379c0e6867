package dev.ratelimiter.operator.enforcement;

import dev.ratelimiter.operator.enforcement.PushResult.Outcome;
import java.time.Duration;

/** Where the outcome and latency of every push are counted (the operator's {@code /metrics}). */
public interface PushMetrics {

  PushMetrics NONE = (outcome, latency) -> {};

  /** One push answered (or failed) with {@code outcome} after {@code latency}. */
  void pushed(Outcome outcome, Duration latency);
}
