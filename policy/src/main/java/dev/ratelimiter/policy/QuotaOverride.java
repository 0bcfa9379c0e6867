package dev.ratelimiter.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * More (or less) quota for some clients until a time: a {@code RateLimitOverride}, merged by the
 * operator into the document it pushes. For its {@code clients} each limit it names counts to its
 * own {@code requests} (and a TokenBucket's {@code burst}) instead of the policy's, on the same
 * counters (they are keyed by limit name, algorithm and window, so nothing starts afresh), until
 * {@code expiresAtMillis}, after which it no longer applies, whether or not the document has been
 * pushed again.
 *
 * @param name the RateLimitOverride's name
 * @param clients canonical client keys
 * @param limits per limit name, its quota for these clients
 * @param expiresAtMillis epoch milliseconds
 */
public record QuotaOverride(
    String name, Set<String> clients, Map<String, Quota> limits, long expiresAtMillis) {

  /**
   * A limit's quota for the clients of an override; {@code burst} equals requests but in a
   * TokenBucket.
   */
  public record Quota(long requests, long burst) {}

  /** At most this many clients over all the overrides of a policy: each is held by every agent. */
  public static final int MAX_CLIENTS = 10_000;

  public static final int MAX_OVERRIDES = 256;

  public QuotaOverride {
    clients = Set.copyOf(clients);
    limits = Map.copyOf(limits);
  }

  public boolean activeAt(long epochMillis) {
    return epochMillis < expiresAtMillis;
  }

  /** {@code policyLimits} with this override's quotas in place of theirs, in the same order. */
  public List<Limit> apply(List<Limit> policyLimits) {
    List<Limit> out = new ArrayList<>(policyLimits.size());
    for (Limit limit : policyLimits) {
      Quota quota = limits.get(limit.name());
      out.add(
          quota == null
              ? limit
              : new Limit(
                  limit.name(),
                  quota.requests(),
                  limit.windowSeconds(),
                  limit.algorithm(),
                  quota.burst(),
                  limit.match(),
                  limit.cost()));
    }
    return List.copyOf(out);
  }
}
