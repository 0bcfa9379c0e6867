package dev.ratelimiter.policy;

import java.util.List;

/**
 * How a request is mapped to the client it is counted against.
 *
 * @param trustedProxies   the proxies' own addresses: only from these peers is the forwarded header believed
 * @param ipv6PrefixLength IPv6 clients are counted per prefix of this length (128 = per address)
 * @param forwardedHeader  the one forwarding header believed from trusted proxies; the other is ignored
 */
public record ClientKeyPolicy(List<Cidr> trustedProxies, int ipv6PrefixLength, ForwardedHeader forwardedHeader) {

    public static final int DEFAULT_IPV6_PREFIX = 64;
    /** A coarser prefix would lump whole providers' customers into one client. */
    public static final int MIN_IPV6_PREFIX = 32;
    public static final int MAX_IPV6_PREFIX = 128;
    public static final int MAX_TRUSTED_PROXIES = 64;

    public static ClientKeyPolicy remoteAddress() {
        return new ClientKeyPolicy(List.of(), DEFAULT_IPV6_PREFIX, ForwardedHeader.XForwardedFor);
    }

    public ClientKeyPolicy {
        trustedProxies = List.copyOf(trustedProxies);
    }
}
