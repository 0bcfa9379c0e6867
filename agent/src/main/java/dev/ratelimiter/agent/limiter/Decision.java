package dev.ratelimiter.agent.limiter;

import dev.ratelimiter.policy.Limit;
import dev.ratelimiter.policy.Policy;

/**
 * The answer for one request, with what the client is told about each limit.
 *
 * @param policy      the policy it was decided under
 * @param allowed     whether the request may proceed
 * @param remaining   per limit, requests left (a TokenBucket: whole tokens left); null when the store did not answer
 * @param resetMillis per limit, milliseconds until it is back to its full quota (a fixed window's end, the
 *                    last counted request leaving a sliding window, a full bucket); null when the store did not answer
 * @param outcome     how it was decided, for metrics
 * @param cost        units the request counted for (1 for an HTTP request; Envoy's {@code hits_addend})
 * @param retryMillis per limit, milliseconds until it would allow a request of this cost (0: it does);
 *                    null when the store did not answer
 */
public record Decision(Policy policy, boolean allowed, long[] remaining, long[] resetMillis, Outcome outcome, long cost,
                       long[] retryMillis) {

    public Decision(Policy policy, boolean allowed, long[] remaining, long[] resetMillis, Outcome outcome) {
        this(policy, allowed, remaining, resetMillis, outcome, 1);
    }

    /** A decision whose limits free quota only when their windows end (fixed windows): retry = reset where short. */
    public Decision(Policy policy, boolean allowed, long[] remaining, long[] resetMillis, Outcome outcome, long cost) {
        this(policy, allowed, remaining, resetMillis, outcome, cost, fixedWindowRetries(remaining, resetMillis, cost));
    }

    private static long[] fixedWindowRetries(long[] remaining, long[] resetMillis, long cost) {
        if (remaining == null) {
            return null;
        }
        long[] retry = new long[remaining.length];
        for (int i = 0; i < retry.length; i++) {
            retry[i] = remaining[i] < Math.max(1, cost) ? resetMillis[i] : 0;
        }
        return retry;
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
     * Milliseconds until a request of the same cost would be allowed: the latest of the limits'
     * retry times, each exact for its algorithm (when the window ends, when the oldest counted
     * requests leave the sliding window, when the bucket holds enough tokens). Each limit only
     * frees quota as time passes, so at that moment all of them allow it. A cost above what a limit
     * can ever admit is never allowed; this is then that limit's reset.
     */
    public long retryAfterMillis() {
        long wait = 0;
        if (retryMillis != null) {
            for (long r : retryMillis) {
                wait = Math.max(wait, r);
            }
        }
        return wait;
    }
}
