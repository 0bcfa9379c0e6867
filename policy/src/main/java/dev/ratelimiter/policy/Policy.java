package dev.ratelimiter.policy;

import java.util.List;

/**
 * A validated policy document: what one agent enforces.
 *
 * @param id            {@code <namespace>/<name>} of the RateLimitPolicy; scopes the Redis keys
 * @param generation    the RateLimitPolicy generation this document was rendered from
 * @param limits        all apply; a request passes only when every limit allows it
 * @param clientKey     how the client is identified
 * @param failurePolicy what happens when the store does not answer
 */
public record Policy(String id, long generation, List<Limit> limits, ClientKeyPolicy clientKey,
                     FailurePolicy failurePolicy) {

    public static final String DEFAULT_ID = "default";
    public static final int MIN_LIMITS = 1;
    public static final int MAX_LIMITS = 16;

    public Policy {
        limits = List.copyOf(limits);
    }

    /** The seed's behaviour: 10 requests per minute per client IP, fail open. */
    public static Policy defaultPolicy() {
        return new Policy(DEFAULT_ID, 0, List.of(Limit.defaultLimit()), ClientKeyPolicy.remoteAddress(), FailurePolicy.Open);
    }
}
