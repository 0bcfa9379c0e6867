package dev.ratelimiter.agent.store.memory;

import dev.ratelimiter.policy.Limit;
import java.util.Arrays;

/**
 * SlidingWindow: the admitted requests of the last window (time and cost) in a ring buffer, oldest
 * first, and their total. At most {@code requests} entries (each costs at least 1); entries leave
 * as they fall out of the window, on every call.
 */
final class SlidingWindowState extends LimitState {

  private long[] times = new long[4];
  private long[] costs = new long[4];
  private int head;
  private int size;
  private long sum;

  SlidingWindowState(long now) {
    this.expiresAt = now; // absent until something is counted
  }

  @Override
  public boolean check(Limit limit, long cost, long now, Verdicts out, int i) {
    long window = limit.windowMillis();
    while (size > 0 && times[head] + window <= now) {
      sum -= costs[head];
      head = (head + 1) % times.length;
      size--;
    }
    long reset = size == 0 ? window : newest() + window - now;
    boolean allows = sum + cost <= limit.requests();
    long retry = 0;
    if (!allows) {
      if (cost > limit.requests()) {
        retry = reset;
      } else {
        // the oldest entries whose leaving frees enough
        long need = sum + cost - limit.requests();
        long freed = 0;
        for (int k = 0; k < size && freed < need; k++) {
          int at = (head + k) % times.length;
          freed += costs[at];
          retry = times[at] + window - now;
        }
      }
    }
    out.remaining[i] = Math.max(0, limit.requests() - sum);
    out.reset[i] = reset;
    out.retry[i] = retry;
    return allows;
  }

  @Override
  public void consume(Limit limit, long cost, long now, Verdicts out, int i) {
    if (size == times.length) {
      grow();
    }
    long at = size == 0 ? now : Math.max(now, newest());
    int tail = (head + size) % times.length;
    times[tail] = at;
    costs[tail] = cost;
    size++;
    sum += cost;
    expiresAt = at + limit.windowMillis();
    out.remaining[i] = Math.max(0, limit.requests() - sum);
    out.reset[i] = expiresAt - now;
  }

  /**
   * A charge is a new entry now; a refund takes units from the oldest entries first, so what stays
   * counted leaves the window no earlier than the exact log would let it.
   */
  @Override
  public void settle(Limit limit, long delta, long now) {
    check(limit, 1, now, new Verdicts(1), 0); // entries that have left the window go
    if (delta > 0) {
      long charge = Math.min(delta, Math.max(0, 2 * limit.requests() - sum));
      if (charge > 0) {
        consume(limit, charge, now, new Verdicts(1), 0);
      }
      return;
    }
    long need = -delta;
    while (need > 0 && size > 0) {
      if (costs[head] <= need) {
        need -= costs[head];
        sum -= costs[head];
        head = (head + 1) % times.length;
        size--;
      } else {
        costs[head] -= need;
        sum -= need;
        need = 0;
      }
    }
  }

  private long newest() {
    return times[(head + size - 1) % times.length];
  }

  private void grow() {
    long[] t = new long[times.length * 2];
    long[] c = new long[times.length * 2];
    for (int k = 0; k < size; k++) {
      t[k] = times[(head + k) % times.length];
      c[k] = costs[(head + k) % times.length];
    }
    times = t;
    costs = c;
    head = 0;
  }

  /** Entries held, for tests of the bound. */
  int entries() {
    return size;
  }

  @Override
  public String toString() {
    return "SlidingWindowState" + Arrays.toString(Arrays.copyOf(times, size));
  }
}
