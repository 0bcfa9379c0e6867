package dev.ratelimiter.agent.limiter;

import dev.ratelimiter.policy.Limit;
import dev.ratelimiter.policy.Policy;

import java.util.List;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Remembers clients the store refused, until the window that refused them ends, so that an abusive
 * client is answered here without a store call. With per-route limits the key names the client and
 * the limits that applied ({@code RateLimiter} builds it), so a refusal on one route is never applied to another. Exact: a fixed window frees no quota before its
 * end, and the deadline is taken from the store's own TTL counted from when the call was sent (so
 * it never lies past the real reset). Forgotten whenever the policy changes.
 */
public final class RejectionCache {

    static final int MAX_ENTRIES = 100_000;

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final LongSupplier clockMillis;

    public RejectionCache(LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
    }

    private record Entry(Policy policy, List<Limit> limits, long[] remaining, long[] deadlines, long until) {
    }

    /** @param sentAtMillis when the store call that produced {@code rejected} was sent */
    public void remember(String client, Decision rejected, long sentAtMillis) {
        if (rejected.allowed() || !rejected.countersKnown() || entries.size() >= MAX_ENTRIES) {
            return;
        }
        long[] deadlines = new long[rejected.resetMillis().length];
        for (int i = 0; i < deadlines.length; i++) {
            deadlines[i] = sentAtMillis + rejected.resetMillis()[i];
        }
        long until = sentAtMillis + rejected.retryAfterMillis();
        entries.put(client, new Entry(rejected.policy(), rejected.limits(), rejected.remaining().clone(), deadlines, until));
    }

    /** @return a refusal computed locally, or null when the store must be asked */
    public Decision lookup(String client, Policy policy) {
        return lookup(client, policy, 1);
    }

    /**
     * A request costing {@code cost} units is refused here when one of the remembered limits had
     * less than that left and its window has not ended: remaining quota only shrinks within a
     * window, so the store would refuse it too. Otherwise (e.g. a smaller cost than the one refused)
     * the store is asked.
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
        boolean blocked = false;
        long[] resets = new long[entry.deadlines.length];
        for (int i = 0; i < resets.length; i++) {
            resets[i] = Math.max(0, entry.deadlines[i] - now);
            blocked |= entry.remaining[i] < cost && resets[i] > 0;
        }
        return blocked ? new Decision(policy, entry.limits, false, entry.remaining, resets, Decision.Outcome.REJECTED_CACHED, cost) : null;
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
