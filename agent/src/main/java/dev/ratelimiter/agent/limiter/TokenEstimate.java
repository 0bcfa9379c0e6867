package dev.ratelimiter.agent.limiter;

import dev.ratelimiter.policy.Limit;
import java.util.function.ToLongFunction;

/**
 * What a request says it may spend against a token budget, before it is forwarded: the ceiling it
 * states on the model's output, and its own input. A budget that counts output reserves the
 * ceiling, one that counts input the input, one that counts both the two together; what the request
 * does not say (-1) leaves the budget's {@code reserve} (see {@link TokenBudgets#reservations}).
 *
 * @param maxOutput the stated ceiling on output tokens, or -1
 * @param input the estimated input tokens, or -1 when unknown
 */
public record TokenEstimate(long maxOutput, long input) implements ToLongFunction<Limit> {

  /** A request that says nothing: every budget reserves its {@code reserve}. */
  public static final TokenEstimate NONE = new TokenEstimate(-1, -1);

  @Override
  public long applyAsLong(Limit limit) {
    return switch (limit.cost().usage()) {
      case OutputTokens -> maxOutput;
      case InputTokens -> input;
      case TotalTokens -> maxOutput < 0 ? -1 : maxOutput + Math.max(0, input);
    };
  }

  /** A gateway's word for what the request costs: the same for every budget. */
  public static ToLongFunction<Limit> stated(long tokens) {
    return limit -> tokens;
  }
}
