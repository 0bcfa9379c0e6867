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
 */
public record Decision(Policy policy, boolean allowed, long[] remaining, long[] resetMillis, Outcome outcome) {

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

    /** Milliseconds until a request would be allowed: the latest end among the used-up limits. */
    public long retryAfterMillis() {
        long wait = 0;
        if (countersKnown()) {
            for (int i = 0; i < remaining.length; i++) {
                if (remaining[i] <= 0) {
                    wait = Math.max(wait, resetMillis[i]);
                }
            }
        }
        return wait;
    }
}
