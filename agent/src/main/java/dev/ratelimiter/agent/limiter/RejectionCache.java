package dev.ratelimiter.agent.limiter;

import dev.ratelimiter.policy.Limit;
import dev.ratelimiter.policy.Policy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Remembers clients the store refused, until the exact time the store said a request of that cost
 * would be allowed again, so that an abusive client is answered here without a store call. Exact
 * for every algorithm: until that time each refusing limit still refuses (a fixed window frees
 * nothing before its end; a sliding window frees quota only as its oldest requests leave, a bucket
 * only as tokens accrue, and the store reported when enough will have), and the deadline is counted
 * from when the call was sent, so it never lies past the store's. Only a request of the same cost
 * is answered here (a smaller one may fit sooner, a larger one later). With per-route limits the
 * key names the client and the limits that applied ({@code RateLimiter} builds it), so a refusal on
 * one route is never applied to another. Forgotten whenever the policy changes.
 */
public final class RejectionCache {

  static final int MAX_ENTRIES = 100_000;

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final LongSupplier clockMillis;

  public RejectionCache(LongSupplier clockMillis) {
    this.clockMillis = clockMillis;
  }

  private record Entry(
      Policy policy,
      List<Limit> limits,
      long cost,
      long[] remaining,
      long[] resetAt,
      long[] retryAt,
      long until,
      AtomicReference<Built> last) {}

  /**
   * The refusal last built from an entry, for the millisecond it was built in: an abuser's refusals
   * within one millisecond are one and the same (times are kept in milliseconds), so they share one
   * {@link Decision} instead of one each. Written by whichever event loop builds one; a reader sees
   * a whole pair or an older one.
   */
  private record Built(long atMillis, Decision decision) {}

  /**
   * @param sentAtMillis when the store call that produced {@code rejected} was sent
   */
  public void remember(String client, Decision rejected, long sentAtMillis) {
    if (rejected.allowed() || !rejected.countersKnown() || entries.size() >= MAX_ENTRIES) {
      return;
    }
    int n = rejected.resetMillis().length;
    long[] resetAt = new long[n];
    long[] retryAt = new long[n];
    for (int i = 0; i < n; i++) {
      resetAt[i] = sentAtMillis + rejected.resetMillis()[i];
      retryAt[i] = sentAtMillis + rejected.retryMillis()[i];
    }
    long until = sentAtMillis + rejected.retryAfterMillis();
    entries.put(
        client,
        new Entry(
            rejected.policy(),
            rejected.limits(),
            rejected.cost(),
            rejected.remaining().clone(),
            resetAt,
            retryAt,
            until,
            new AtomicReference<>()));
  }

  /**
   * @return a refusal computed locally, or null when the store must be asked
   */
  public Decision lookup(String client, Policy policy) {
    return lookup(client, policy, 1);
  }

  /**
   * A request costing what the remembered refusal cost is refused here until the retry time the
   * store reported for it; any other request asks the store.
   *
   * @return a refusal computed locally, or null when the store must be asked
   */
  public Decision lookup(String client, Policy policy, long cost) {
    Entry entry = entries.get(client);
    if (entry == null) {
      return null;
    }
    long now = clockMillis.getAsLong();
    if (entry.policy != policy || now >= entry.until) {
      entries.remove(client, entry);
      return null;
    }
    if (cost != entry.cost) {
      return null;
    }
    Built built = entry.last.get();
    if (built != null && built.atMillis == now) {
      return built.decision;
    }
    int n = entry.resetAt.length;
    long[] resets = new long[n];
    long[] retries = new long[n];
    for (int i = 0; i < n; i++) {
      resets[i] = Math.max(0, entry.resetAt[i] - now);
      retries[i] = Math.max(0, entry.retryAt[i] - now);
    }
    Decision refusal =
        new Decision(
            policy,
            entry.limits,
            false,
            entry.remaining,
            resets,
            Decision.Outcome.REJECTED_CACHED,
            cost,
            retries);
    entry.last.set(new Built(now, refusal));
    return refusal;
  }

  /** Forgets every refusal of {@code client} (on any route): its counters were reset. */
  public void forget(String client) {
    entries.remove(client);
    String routed = client + '#';
    entries.keySet().removeIf(key -> key.startsWith(routed));
  }

  public void clear() {
    entries.clear();
  }

  public void sweep() {
    long now = clockMillis.getAsLong();
    entries.values().removeIf(e -> now >= e.until);
  }

  public int size() {
    return entries.size();
  }
}
