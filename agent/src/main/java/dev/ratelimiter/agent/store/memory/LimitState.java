package dev.ratelimiter.agent.store.memory;

import dev.ratelimiter.policy.Limit;

/**
 * One client's state for one limit in the in-memory store: the same arithmetic as the Redis
 * script's function for the algorithm ({@code limits.lua}), on a monotonic millisecond clock.
 * {@link #expiresAt} plays the Redis key's TTL: past it the state is gone, exactly when Redis would
 * have dropped the key. Callers hold the client's lock.
 */
public abstract class LimitState {

  /** Clock time at which this state is as good as absent (a Redis key's expiry). */
  long expiresAt;

  /** A state as Redis sees an absent key: nothing counted, a full bucket. */
  public static LimitState fresh(Limit limit, long now) {
    return switch (limit.algorithm()) {
      case FixedWindow -> new FixedWindowState(now + limit.windowMillis());
      case SlidingWindow -> new SlidingWindowState(now);
      case TokenBucket -> new TokenBucketState(limit, now);
    };
  }

  public final boolean expired(long now) {
    return expiresAt <= now;
  }

  /**
   * Judges {@code cost} at {@code now} without consuming it: writes what the client is told to
   * {@code out} at {@code i} and returns whether this limit allows it.
   */
  public abstract boolean check(Limit limit, long cost, long now, Verdicts out, int i);

  /**
   * Consumes {@code cost} after {@link #check} allowed it (and every other limit did too), updating
   * {@code out}.
   */
  public abstract void consume(Limit limit, long cost, long now, Verdicts out, int i);

  /**
   * Adds {@code delta} units (negative: gives them back), never refused: at most one burst below
   * nothing left, never above the full quota.
   */
  public abstract void settle(Limit limit, long delta, long now);

  /** Per limit: remaining, reset and retry, as the store reports them. */
  public static final class Verdicts {
    public final long[] remaining;
    public final long[] reset;
    public final long[] retry;

    public Verdicts(int n) {
      remaining = new long[n];
      reset = new long[n];
      retry = new long[n];
    }
  }

  static long ceilDiv(long a, long b) {
    return Math.floorDiv(a + b - 1, b);
  }
}
