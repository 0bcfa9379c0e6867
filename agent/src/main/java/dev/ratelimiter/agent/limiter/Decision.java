package dev.ratelimiter.agent.limiter;

import dev.ratelimiter.policy.Limit;
import dev.ratelimiter.policy.Policy;

/**
 * The answer for one request, with what the client is told about each limit.
 *
 * @param policy      the policy it was decided under
 * @param allowed     whether the request may proceed
 * @param remaining   per limit, requests left in the current window; null when the store did not answer
 * @param resetMillis per limit, milliseconds until the window ends; null when the store did not answer
 * @param outcome     how it was decided, for metrics
 * @param cost        units the request counted for (1 for an HTTP request; Envoy's {@code hits_addend})
 */
public record Decision(Policy policy, boolean allowed, long[] remaining, long[] resetMillis, Outcome outcome, long cost) {

    public Decision(Policy policy, boolean allowed, long[] remaining, long[] resetMillis, Outcome outcome) {
        this(policy, allowed, remaining, resetMillis, outcome, 1);
    }

    public enum Outcome {
        /** the store counted it */
        ALLOWED,
        /** the store refused it */
        REJECTED,
        /** refused from the local cache of rejected clients, without a store call */
        REJECTED_CACHED,
        /** the store did not answer and failurePolicy Open let it through */
        FAILED_OPEN
    }

    public boolean countersKnown() {
        return remaining != null;
    }

    /**
     * The limit to report in the single-limit headers: when refused, the used-up limit whose window
     * ends last (it decides Retry-After); otherwise the one with the fewest requests left.
     */
    public int strictestIndex() {
        int best = 0;
        if (!countersKnown()) {
            return best;
        }
        for (int i = 1; i < remaining.length; i++) {
            boolean fewer = remaining[i] < remaining[best];
            boolean tieLonger = remaining[i] == remaining[best] && resetMillis[i] > resetMillis[best];
            if (fewer || tieLonger) {
                best = i;
            }
        }
        return best;
    }

    public Limit strictestLimit() {
        return policy.limits().get(strictestIndex());
    }

    /**
     * Milliseconds until a request of the same cost would be allowed: the latest end among the
     * limits with less than that left (a cost above a limit's quota is never allowed; this is then
     * still the end of that limit's window).
     */
    public long retryAfterMillis() {
        long wait = 0;
        if (countersKnown()) {
            for (int i = 0; i < remaining.length; i++) {
                if (remaining[i] < Math.max(1, cost)) {
                    wait = Math.max(wait, resetMillis[i]);
                }
            }
        }
        return wait;
    }
}
