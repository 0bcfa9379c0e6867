package dev.ratelimiter.policy;

/** How a limit counts requests. Only {@link #FixedWindow} is implemented so far. */
public enum Algorithm {
    /** The window starts at the client's first request and lasts {@code window}; a key with a TTL. */
    FixedWindow,
    SlidingWindow,
    TokenBucket;

    public boolean implemented() {
        return this == FixedWindow;
    }
}
