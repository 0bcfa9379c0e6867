package dev.ratelimiter.agent.limiter;

import dev.ratelimiter.agent.store.CounterStore;
import dev.ratelimiter.policy.Limit;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Token budgets (limits with a {@code cost}): what a request reserves of each before it is
 * forwarded, and the settlement once its response has said what it spent. A reservation is the
 * request's own estimate (its stated ceiling) or else the limit's {@code reserve}, at most the
 * limit's burst, so that a request asking for more than the whole budget still fits when the budget
 * is untouched. The settlement gives back or charges the difference in one store call; an unknown
 * usage leaves the reservation as the charge.
 */
public final class TokenBudgets {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TokenBudgets.class);

  private final MeterRegistry registry;

  public TokenBudgets(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * Per limit, what a request consumes: {@code cost} of a request limit, the reservation of a token
   * budget; null when no token budget is among {@code limits} (every limit then takes {@code
   * cost}).
   *
   * @param estimate the request's own estimate for a budget (its ceiling), or -1 when it states
   *     none
   */
  static long[] reservations(List<Limit> limits, long cost, ToLongFunction<Limit> estimate) {
    long[] costs = null;
    for (int i = 0; i < limits.size(); i++) {
      Limit limit = limits.get(i);
      if (limit.costed()) {
        if (costs == null) {
          costs = new long[limits.size()];
          java.util.Arrays.fill(costs, cost);
        }
        long stated = estimate == null ? -1 : estimate.applyAsLong(limit);
        long wanted = stated > 0 ? stated : limit.cost().reserve();
        costs[i] = Math.max(1, Math.min(wanted, limit.burst()));
      }
    }
    return costs;
  }

  /** Counts what was reserved, for an allowed decision. */
  void reserved(Decision decision) {
    if (decision.charged() == null
        || (decision.outcome() != Decision.Outcome.ALLOWED
            && decision.outcome() != Decision.Outcome.LOCAL_ALLOWED)) {
      return; // nothing was consumed
    }
    for (int i = 0; i < decision.limits().size(); i++) {
      Limit limit = decision.limits().get(i);
      if (limit.costed()) {
        counter(limit, "reserved").increment(decision.charged()[i]);
      }
    }
  }

  /**
   * Settles {@code decision}'s reservations for {@code client} in the store that counted them
   * ({@code store}, or {@code localStore} when failurePolicy Local did). Nothing to do for a
   * decision nothing was reserved by (no budget applied, failed open, shadow, exempt). Never fails:
   * a settlement that cannot be made leaves the reservation standing, and says so in the log.
   */
  Future<Void> settle(
      Decision decision,
      String client,
      UsageReport usage,
      CounterStore store,
      CounterStore localStore) {
    long[] charged = decision.charged();
    CounterStore counted =
        switch (decision.outcome()) {
          case ALLOWED -> store;
          case LOCAL_ALLOWED -> localStore;
          default -> null;
        };
    if (charged == null || counted == null) {
      return Future.succeededFuture();
    }
    return settle(decision.policy().id(), client, decision.limits(), charged, usage, counted);
  }

  /**
   * Settles what a gateway reserved earlier for a request (its stated {@code reserved}, clamped as
   * {@link #reservations} clamps it) to what it reports the request spent, against {@code limits}
   * (the ones its route selects) in {@code store}. Never fails.
   */
  Future<Void> settleStated(
      String scope,
      String client,
      List<Limit> limits,
      long reserved,
      long spent,
      CounterStore store) {
    long[] charged = reservations(limits, 1, TokenEstimate.stated(reserved));
    if (charged == null) {
      return Future.succeededFuture(); // no token budget on this route
    }
    return settle(scope, client, limits, charged, limit -> spent, store);
  }

  private Future<Void> settle(
      String scope,
      String client,
      List<Limit> limits,
      long[] charged,
      UsageReport usage,
      CounterStore counted) {
    long[] deltas = new long[limits.size()];
    boolean any = false;
    for (int i = 0; i < limits.size(); i++) {
      Limit limit = limits.get(i);
      if (!limit.costed()) {
        continue;
      }
      long spent = usage.tokens(limit);
      if (spent < 0) {
        counter(limit, "settled").increment(charged[i]);
        continue; // unknown: the reservation is the charge
      }
      spent = Math.min(spent, Limit.MAX_REQUESTS);
      deltas[i] = spent - charged[i];
      any |= deltas[i] != 0;
      counter(limit, "settled").increment(spent);
      if (deltas[i] < 0) {
        counter(limit, "refunded").increment(-deltas[i]);
      }
    }
    if (!any) {
      return Future.succeededFuture();
    }
    return counted
        .settle(scope, client, limits, deltas)
        .recover(
            e -> {
              // the store's own failures are counted and logged where requests are decided
              LOG.debug("A token budget could not be settled; the reservation stands: {}", e);
              return Future.succeededFuture();
            });
  }

  private Counter counter(Limit limit, String phase) {
    return Counter.builder("ratelimiter.cost")
        .description(
            "Tokens of the token budgets: reserved before forwarding, settled (spent, as reported"
                + " or as reserved when the response did not say) and refunded")
        .tag("limit", limit.name())
        .tag("phase", phase)
        .register(registry);
  }
}
