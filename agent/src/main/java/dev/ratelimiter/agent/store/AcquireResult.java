package dev.ratelimiter.agent.store;

/**
 * What the store answered for one request.
 *
 * @param allowed     true when every limit allowed the request (and one unit of each was consumed)
 * @param counts      per limit, in policy order: requests counted in the current window (after this one when allowed)
 * @param resetMillis per limit: milliseconds until the current window ends (the full window when none is open)
 */
public record AcquireResult(boolean allowed, long[] counts, long[] resetMillis) {
}
