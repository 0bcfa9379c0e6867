package dev.ratelimiter.agent.store.memory;

import dev.ratelimiter.agent.store.AcquireResult;
import dev.ratelimiter.agent.store.CounterKeys;
import dev.ratelimiter.policy.Limit;
import java.util.Arrays;
import java.util.List;

/**
 * One client's states, one slot per limit (named like the Redis key's suffix: limit, algorithm,
 * window): parallel arrays rather than a map, because a store may hold hundreds of thousands of
 * clients and their footprint is what the GC walks. Every method holds the client's lock.
 */
public final class ClientLimits {

  private String[] ids;
  private LimitState[] states;
  private int size;

  /**
   * Set (under the lock) once removed from the store: a request that still holds it looks again.
   */
  private boolean retired;

  public ClientLimits(int capacity) {
    ids = new String[capacity];
    states = new LimitState[capacity];
  }

  /**
   * Checks every limit, and consumes {@code costs[i]} from limit {@code i} only when all allow it.
   *
   * @return null when this client was removed meanwhile
   */
  public synchronized AcquireResult acquire(List<Limit> limits, long[] costs, long now) {
    if (retired) {
      return null;
    }
    int n = limits.size();
    LimitState.Verdicts out = new LimitState.Verdicts(n);
    LimitState[] used = new LimitState[n];
    String[] fresh = new String[n];
    boolean allowed = true;
    for (int i = 0; i < n; i++) {
      Limit limit = limits.get(i);
      String id = CounterKeys.suffix(limit);
      int slot = indexOf(id);
      if (slot >= 0 && states[slot].expired(now)) {
        removeAt(slot);
        slot = -1;
      }
      if (slot < 0) {
        fresh[i] = id;
        used[i] = LimitState.fresh(limit, now);
      } else {
        used[i] = states[slot];
      }
      allowed &= used[i].check(limit, costs[i], now, out, i);
    }
    if (allowed) {
      for (int i = 0; i < n; i++) {
        used[i].consume(limits.get(i), costs[i], now, out, i);
        if (fresh[i] != null) {
          add(fresh[i], used[i]); // like a Redis key: it exists once something is counted
        }
      }
    }
    return new AcquireResult(allowed, out.remaining, out.reset, out.retry, now);
  }

  /**
   * Adds {@code deltas[i]} to limit {@code i}, never refused (see {@code CounterStore#settle}).
   *
   * @return false when this client was removed meanwhile
   */
  public synchronized boolean settle(List<Limit> limits, long[] deltas, long now) {
    if (retired) {
      return false;
    }
    for (int i = 0; i < limits.size(); i++) {
      if (deltas[i] == 0) {
        continue;
      }
      Limit limit = limits.get(i);
      String id = CounterKeys.suffix(limit);
      int slot = indexOf(id);
      if (slot >= 0 && states[slot].expired(now)) {
        removeAt(slot);
        slot = -1;
      }
      if (slot < 0) {
        if (deltas[i] < 0) {
          continue; // its window has ended: nothing left to give back
        }
        slot = add(id, LimitState.fresh(limit, now));
      }
      states[slot].settle(limit, deltas[i], now);
    }
    return true;
  }

  /**
   * Forgets the counters of {@code limits}.
   *
   * @return true when nothing is left: the caller removes this client
   */
  public synchronized boolean clear(List<Limit> limits) {
    for (Limit limit : limits) {
      int slot = indexOf(CounterKeys.suffix(limit));
      if (slot >= 0) {
        removeAt(slot);
      }
    }
    return size == 0;
  }

  public synchronized void retire() {
    retired = true;
  }

  /** Drops expired states; when none is left, retires this client (the caller removes it). */
  public synchronized boolean retireIfExpired(long now) {
    for (int i = size - 1; i >= 0; i--) {
      if (states[i].expired(now)) {
        removeAt(i);
      }
    }
    if (size == 0) {
      retired = true;
    }
    return retired;
  }

  private int indexOf(String id) {
    for (int i = 0; i < size; i++) {
      if (ids[i].equals(id)) {
        return i;
      }
    }
    return -1;
  }

  private int add(String id, LimitState state) {
    if (size == ids.length) {
      int capacity = Math.max(1, size * 2);
      ids = Arrays.copyOf(ids, capacity);
      states = Arrays.copyOf(states, capacity);
    }
    ids[size] = id;
    states[size] = state;
    return size++;
  }

  private void removeAt(int slot) {
    size--;
    ids[slot] = ids[size];
    states[slot] = states[size];
    ids[size] = null;
    states[size] = null;
  }
}
