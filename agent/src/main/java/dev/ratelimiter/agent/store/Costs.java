package dev.ratelimiter.agent.store;

import java.util.Arrays;

/** Per-limit cost arrays; the usual ones (one unit of each of a few limits) made once. */
public final class Costs {

  private static final long[][] ONES = new long[17][];

  static {
    for (int n = 0; n < ONES.length; n++) {
      ONES[n] = new long[n];
      Arrays.fill(ONES[n], 1);
    }
  }

  private Costs() {}

  /** {@code cost} for each of {@code n} limits; shared and never to be changed by the caller. */
  public static long[] uniform(int n, long cost) {
    if (cost == 1 && n < ONES.length) {
      return ONES[n];
    }
    long[] costs = new long[n];
    Arrays.fill(costs, cost);
    return costs;
  }

  /** Per limit, one unit more than it can ever admit at once (its burst). */
  public static long[] beyondCapacity(java.util.List<dev.ratelimiter.policy.Limit> limits) {
    long[] costs = new long[limits.size()];
    for (int i = 0; i < costs.length; i++) {
      costs[i] = limits.get(i).burst() + 1;
    }
    return costs;
  }

  /** Whether every cost is at least 1. */
  public static boolean valid(long[] costs) {
    for (long c : costs) {
      if (c < 1) {
        return false;
      }
    }
    return true;
  }
}
