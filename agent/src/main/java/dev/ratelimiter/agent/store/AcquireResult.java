package dev.ratelimiter.agent.store;

/**
 * What the store answered for one request.
 *
 * @param allowed     true when every limit allowed the request (and its cost was consumed from each)
 * @param counts      per limit, in policy order: units counted in the current window (after this request when allowed)
 * @param resetMillis per limit: milliseconds until the current window ends (the full window when none is open)
 */
public record AcquireResult(boolean allowed, long[] counts, long[] resetMillis) {
}
