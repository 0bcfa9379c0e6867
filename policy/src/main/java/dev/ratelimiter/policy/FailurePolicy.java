package dev.ratelimiter.policy;

/** What the agent does when the counter store does not answer in time. */
public enum FailurePolicy {
    /** Allow the request (availability over exactness). */
    Open,
    /** Refuse with 503. */
    Closed,
    /** Each replica enforces its share locally (not implemented yet). */
    Local;

    public boolean implemented() {
        return this != Local;
    }
}
