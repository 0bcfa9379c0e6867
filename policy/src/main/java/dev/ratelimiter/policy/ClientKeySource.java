package dev.ratelimiter.policy;

/** Where the client identity comes from. Only {@link #RemoteAddress} is implemented so far. */
public enum ClientKeySource {
    /** The TCP peer, or the forwarded address when the peer is a trusted proxy. */
    RemoteAddress,
    /** A request header such as {@code X-Api-Key} (not implemented yet). */
    Header;

    public boolean implemented() {
        return this == RemoteAddress;
    }
}
