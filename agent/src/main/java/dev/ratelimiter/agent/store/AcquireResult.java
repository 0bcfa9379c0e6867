package dev.ratelimiter.agent.store;

/**
 * What the store answered for one request.
 *
 * @param allowed true when every limit allowed the request (and its cost was consumed from each)
 * @param remaining per limit, in policy order: units left (after this request when allowed); for a
 *     TokenBucket the whole tokens left in the bucket
 * @param resetMillis per limit: milliseconds until the limit is back to its full quota: the end of
 *     a fixed window (the full window when none is open), until the last counted request leaves a
 *     sliding window, until a token bucket is full again
 * @param retryMillis per limit: milliseconds until a request of the same cost would be allowed by
 *     that limit, were nothing else counted meanwhile (0 when it allows it now; a cost above what
 *     the limit can ever admit: its reset)
 * @param clockMillis the store's clock when it decided, in milliseconds (Redis {@code TIME}, or the
 *     in-memory store's monotonic clock); -1 when no limit needed a clock
 */
public record AcquireResult(
    boolean allowed, long[] remaining, long[] resetMillis, long[] retryMillis, long clockMillis) {}
