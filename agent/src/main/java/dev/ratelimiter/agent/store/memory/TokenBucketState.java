package dev.ratelimiter.agent.store.memory;

import dev.ratelimiter.policy.Limit;

/**
 * TokenBucket (GCRA): the tokens left, scaled by the window in milliseconds so that one millisecond
 * adds exactly {@code requests} units, and when they were counted. Full when absent; the state
 * expires when the bucket is full again.
 */
final class TokenBucketState extends LimitState {

  private long scaledTokens;
  private long at;

  TokenBucketState(Limit limit, long now) {
    this.scaledTokens = limit.burst() * limit.windowMillis();
    this.at = now;
    this.expiresAt = now; // absent: a full bucket
  }

  @Override
  public boolean check(Limit limit, long cost, long now, Verdicts out, int i) {
    long window = limit.windowMillis();
    long capacity = limit.burst() * window;
    long tokens = Math.min(scaledTokens, capacity);
    long t = Math.max(now, at);
    long elapsed = t - at;
    if (elapsed >= ceilDiv(capacity - tokens, limit.requests())) {
      tokens = capacity;
    } else {
      tokens += elapsed * limit.requests();
    }
    scaledTokens = tokens;
    at = t;
    long reset = ceilDiv(capacity - tokens, limit.requests());
    boolean allows = cost <= limit.burst() && tokens >= cost * window;
    out.remaining[i] = Math.max(0, tokens / window);
    out.reset[i] = reset;
    out.retry[i] =
        allows
            ? 0
            : cost > limit.burst() ? reset : ceilDiv(cost * window - tokens, limit.requests());
    return allows;
  }

  @Override
  public void settle(Limit limit, long delta, long now) {
    long window = limit.windowMillis();
    long capacity = limit.burst() * window;
    check(limit, 1, now, new Verdicts(1), 0); // brings the bucket up to now
    scaledTokens = Math.max(-capacity, Math.min(capacity, scaledTokens - delta * window));
    expiresAt = at + ceilDiv(capacity - scaledTokens, limit.requests());
  }

  @Override
  public void consume(Limit limit, long cost, long now, Verdicts out, int i) {
    long window = limit.windowMillis();
    scaledTokens -= cost * window;
    long reset = ceilDiv(limit.burst() * window - scaledTokens, limit.requests());
    expiresAt = at + reset;
    out.remaining[i] = scaledTokens / window;
    out.reset[i] = reset;
  }
}
