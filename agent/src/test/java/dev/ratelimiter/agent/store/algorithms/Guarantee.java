package dev.ratelimiter.agent.store.algorithms;

import dev.ratelimiter.policy.Algorithm;
import dev.ratelimiter.policy.Limit;
import java.util.ArrayList;
import java.util.List;

/**
 * Each algorithm's promise, written the way docs/policy.md states it rather than the way the store
 * computes it, over the requests one limit admitted so far (time in ms, cost):
 *
 * <ul>
 *   <li>FixedWindow: a window opens at the first admitted request after the last one ended and
 *       lasts {@code window}; at most {@code requests} units in it.
 *   <li>SlidingWindow: in any interval of length {@code window}, at most {@code requests} units.
 *   <li>TokenBucket: in any interval [s, t], at most {@code burst + requests x (t - s) / window}
 *       units.
 * </ul>
 *
 * {@link #allows} is exact both ways: a request is admitted exactly when admitting it keeps the
 * promise; {@link #retryMillis} is the first moment, waiting from {@code now} with nothing else
 * admitted, at which it would.
 */
final class Guarantee {

  private final Limit limit;
  private final List<long[]> admitted = new ArrayList<>(); // {time, cost}
  private long windowStart = Long.MIN_VALUE;
  private long windowCount;

  Guarantee(Limit limit) {
    this.limit = limit;
  }

  Limit limit() {
    return limit;
  }

  boolean allows(long now, long cost) {
    long w = limit.windowMillis();
    return switch (limit.algorithm()) {
      case FixedWindow -> (windowOpen(now) ? windowCount : 0) + cost <= limit.requests();
      case SlidingWindow -> unitsSince(now - w + 1, now) + cost <= limit.requests();
      case TokenBucket -> {
        if (cost > limit.burst()) {
          yield false;
        }
        for (long[] a : admitted) {
          long s = a[0];
          // (A[s, now] + cost) <= burst + requests * (now - s) / window, in whole numbers
          if ((unitsSince(s, now) + cost - limit.burst()) * w > limit.requests() * (now - s)) {
            yield false;
          }
        }
        yield true;
      }
    };
  }

  void admit(long now, long cost) {
    if (!windowOpen(now)) {
      windowStart = now;
      windowCount = 0;
    }
    windowCount += cost;
    admitted.add(new long[] {now, cost});
  }

  /**
   * The request admitted last is settled at once to {@code spent} (at most what it reserved): from
   * now on it counts as {@code spent} units at the time it was admitted.
   */
  void respend(long spent) {
    long[] last = admitted.get(admitted.size() - 1);
    windowCount += spent - last[1];
    last[1] = spent;
  }

  /** The first moment from {@code now} at which {@code cost} would be admitted; -1 when never. */
  long retryMillis(long now, long cost) {
    long capacity = limit.algorithm() == Algorithm.TokenBucket ? limit.burst() : limit.requests();
    if (cost > capacity) {
      return -1;
    }
    // every candidate moment at which the promise changes: a window's end, a request leaving, a
    // token accruing
    long lo = 0;
    long hi = limit.windowMillis() * Math.max(1, capacity) + 1;
    while (lo < hi) { // the promise only loosens with time, so bisect
      long mid = (lo + hi) >>> 1;
      if (allows(now + mid, cost)) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  /** SlidingWindow's promise over everything admitted: no interval of length window holds more. */
  boolean noWindowHoldsMore() {
    long w = limit.windowMillis();
    for (long[] a : admitted) {
      if (unitsSince(a[0], a[0] + w - 1) > limit.requests()) {
        return false;
      }
    }
    return true;
  }

  /**
   * TokenBucket's promise over everything admitted, for every interval between two admitted
   * requests.
   */
  boolean withinBurstPlusRate() {
    for (long[] s : admitted) {
      for (long[] t : admitted) {
        if (t[0] >= s[0]
            && (unitsSince(s[0], t[0]) - limit.burst()) * limit.windowMillis()
                > limit.requests() * (t[0] - s[0])) {
          return false;
        }
      }
    }
    return true;
  }

  /** What the client is told is left: units (a TokenBucket: whole tokens) it could spend now. */
  long remaining(long now) {
    long w = limit.windowMillis();
    return switch (limit.algorithm()) {
      case FixedWindow -> Math.max(0, limit.requests() - (windowOpen(now) ? windowCount : 0));
      case SlidingWindow -> Math.max(0, limit.requests() - unitsSince(now - w + 1, now));
      case TokenBucket -> {
        long tokens = limit.burst();
        for (long[] a : admitted) {
          long scaled =
              limit.burst() * w + limit.requests() * (now - a[0]) - unitsSince(a[0], now) * w;
          tokens = Math.min(tokens, Math.floorDiv(scaled, w));
        }
        yield tokens;
      }
    };
  }

  private boolean windowOpen(long now) {
    return windowStart != Long.MIN_VALUE && now < windowStart + limit.windowMillis();
  }

  private long unitsSince(long from, long to) {
    long units = 0;
    for (long[] a : admitted) {
      if (a[0] >= from && a[0] <= to) {
        units += a[1];
      }
    }
    return units;
  }
}
