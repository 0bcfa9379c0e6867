package dev.ratelimiter.agent.startup;

import dev.ratelimiter.policy.Cidr;
import dev.ratelimiter.policy.ClientKeyPolicy;
import dev.ratelimiter.policy.Limit;
import dev.ratelimiter.policy.Policy;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * The policy warm-up traffic is decided under: the policy in force with its own scope (a random
 * one, so its counters never meet a real client's, in this agent's store or a shared Redis),
 * windows of one second (its counters are gone a second or two after the warm-up) and this agent's
 * own loopback address as the one trusted proxy (the warm-up names its made-up clients in the
 * forwarded header). Limits, algorithms, routes, the client key's source, mode and failure policy
 * stay as they are, so the warm-up runs the code real requests will (but for the signature checks
 * of {@code source: Jwt}: it holds no issuer's key, so its requests carry no token).
 */
public final class WarmUpPolicy {

  /** Where the warm-up's made-up clients are: RFC 2544's benchmarking range, never a real one. */
  static final String CLIENT_PREFIX = "198.18.";

  private WarmUpPolicy() {}

  public static Policy of(Policy real) {
    byte[] id = new byte[6];
    new SecureRandom().nextBytes(id);
    ClientKeyPolicy keys = real.clientKey();
    ClientKeyPolicy warmKeys =
        new ClientKeyPolicy(
            List.of(Cidr.parse("127.0.0.1/32")),
            keys.ipv6PrefixLength(),
            keys.forwardedHeader(),
            keys.source(),
            keys.header(),
            keys.missing(),
            keys.jwt());
    List<Limit> limits =
        real.limits().stream()
            .map(l -> new Limit(l.name(), l.requests(), 1, l.algorithm(), l.burst(), l.match()))
            .toList();
    return new Policy(
        "ratelimiter.dev/warm-up-" + HexFormat.of().formatHex(id),
        real.generation(),
        limits,
        warmKeys,
        real.failurePolicy(),
        List.of(),
        real.mode(),
        real.agents(),
        real.plan(),
        real.exemptPlans());
  }
}
