package dev.ratelimiter.agent.store.memory;

import dev.ratelimiter.policy.Limit;

/**
 * FixedWindow: a count and when its window ends (the window starts at the client's first request).
 */
final class FixedWindowState extends LimitState {

  private long count;

  FixedWindowState(long end) {
    this.expiresAt = end;
  }

  @Override
  public boolean check(Limit limit, long cost, long now, Verdicts out, int i) {
    boolean allows = count + cost <= limit.requests();
    out.remaining[i] = Math.max(0, limit.requests() - count);
    out.reset[i] = expiresAt - now;
    out.retry[i] = allows ? 0 : out.reset[i];
    return allows;
  }

  @Override
  public void consume(Limit limit, long cost, long now, Verdicts out, int i) {
    count += cost;
    out.remaining[i] = Math.max(0, limit.requests() - count);
    out.reset[i] = expiresAt - now;
  }

  @Override
  public void settle(Limit limit, long delta, long now) {
    count = Math.min(Math.max(0, count + delta), 2 * limit.requests());
  }
}
