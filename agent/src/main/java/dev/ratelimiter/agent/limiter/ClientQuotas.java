package dev.ratelimiter.agent.limiter;

import dev.ratelimiter.agent.store.AcquireResult;
import dev.ratelimiter.agent.store.CounterStore;
import dev.ratelimiter.policy.Limit;
import dev.ratelimiter.policy.Policy;
import dev.ratelimiter.policy.QuotaOverride;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * On call with one client's quota, under the policy in force: what it has used and has left of
 * every limit, read from the store without counting anything, and a reset that gives it its full
 * quota at once, on every agent sharing the store (each forgets its cached refusals of the client
 * when the store tells it, see {@link CounterStore#onReset}).
 */
public final class ClientQuotas {

  /**
   * One limit of a client.
   *
   * @param used units counted in the limit's window (a TokenBucket: tokens missing from a full
   *     bucket; a token budget in debt: all of it)
   * @param remaining what it could spend now
   * @param resetMillis until it is back to its full quota; 0 when it has it
   */
  public record LimitUsage(Limit limit, long used, long remaining, long resetMillis) {}

  /**
   * A client's usage of every limit of {@code policy}, in policy order, with the override that
   * gives it other quotas (null: none in force).
   */
  public record Report(
      Policy policy, String client, QuotaOverride override, List<LimitUsage> limits) {}

  private final RateLimiter limiter;

  public ClientQuotas(RateLimiter limiter) {
    this.limiter = limiter;
  }

  /** The policy in force. */
  public Policy policy() {
    return limiter.policy();
  }

  /** Forgets what this agent cached of {@code client} of {@code scope}: it was reset. */
  public void forget(String scope, String client) {
    if (limiter.policy().id().equals(scope)) {
      limiter.rejections().forget(client);
    }
  }

  public Future<Report> inspect(String client) {
    Policy policy = limiter.policy();
    long now = System.currentTimeMillis();
    QuotaOverride override = policy.overrides().of(client, now);
    List<Limit> limits = policy.limitsFor(client, policy.limits(), now);
    return limiter
        .store()
        .inspect(policy.id(), client, limits)
        .map(result -> new Report(policy, client, override, usage(limits, result)));
  }

  private static List<LimitUsage> usage(List<Limit> limits, AcquireResult result) {
    List<LimitUsage> out = new ArrayList<>(limits.size());
    for (int i = 0; i < limits.size(); i++) {
      Limit limit = limits.get(i);
      long remaining = Math.max(0, Math.min(result.remaining()[i], limit.burst()));
      long used = limit.burst() - remaining;
      out.add(new LimitUsage(limit, used, remaining, used == 0 ? 0 : result.resetMillis()[i]));
    }
    return out;
  }

  /**
   * Clears {@code client}'s counters of the limit named {@code limitName}, or of every limit when
   * null.
   *
   * @throws IllegalArgumentException when the policy in force has no limit of that name
   */
  public Future<Void> reset(String client, String limitName) {
    Policy policy = limiter.policy();
    List<Limit> limits =
        limitName == null
            ? policy.limits()
            : policy.limits().stream().filter(l -> l.name().equals(limitName)).toList();
    if (limits.isEmpty()) {
      throw new IllegalArgumentException(
          "The policy in force has no limit '"
              + limitName
              + "'; its limits are "
              + policy.limits().stream().map(Limit::name).toList()
              + ".");
    }
    return limiter.store().reset(policy.id(), client, limits);
  }
}
