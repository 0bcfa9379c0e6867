package dev.ratelimiter.agent.policy;

import dev.ratelimiter.agent.clientkey.Cidr;

import java.util.List;

/**
 * How a request is mapped to the client it is counted against.
 *
 * @param trustedProxies   peers whose X-Forwarded-For / Forwarded headers are believed
 * @param ipv6PrefixLength IPv6 clients are counted per prefix of this length (128 = per address)
 */
public record ClientKeyPolicy(List<Cidr> trustedProxies, int ipv6PrefixLength) {

    public static final int DEFAULT_IPV6_PREFIX = 64;

    public static ClientKeyPolicy remoteAddress() {
        return new ClientKeyPolicy(List.of(), DEFAULT_IPV6_PREFIX);
    }

    public ClientKeyPolicy {
        trustedProxies = List.copyOf(trustedProxies);
    }
}
