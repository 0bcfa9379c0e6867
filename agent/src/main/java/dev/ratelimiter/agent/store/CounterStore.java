package dev.ratelimiter.agent.store;

import dev.ratelimiter.policy.Limit;
import io.vertx.core.Future;
import java.util.List;

/**
 * Where the counters live. One call checks every limit of a policy for one client and consumes its
 * cost of each (one per request, or the tokens a token budget reserves) only when every one of them
 * has that much left; a refused request consumes nothing, and a cost above a limit's quota is
 * always refused. A token budget's reservation is settled later ({@link #settle}).
 */
public interface CounterStore {

  /**
   * @param scope {@code <namespace>/<policy>}: keeps policies that share a store apart
   * @param client the canonical client key
   * @param limits the policy's limits, all checked together
   * @param costs per limit, the units this request counts for, each at least 1 (an HTTP request: 1;
   *     Envoy's {@code hits_addend}; a token budget's reservation); never changed
   */
  Future<AcquireResult> acquireEach(String scope, String client, List<Limit> limits, long[] costs);

  /** {@code cost} units of every limit. */
  default Future<AcquireResult> acquire(
      String scope, String client, List<Limit> limits, long cost) {
    return acquireEach(scope, client, limits, Costs.uniform(limits.size(), cost));
  }

  /** One unit: an HTTP request. */
  default Future<AcquireResult> acquire(String scope, String client, List<Limit> limits) {
    return acquire(scope, client, limits, 1);
  }

  /**
   * Settles token budgets: adds {@code deltas[i]} units to limit {@code i} (a charge beyond the
   * reservation) or gives them back (negative: a refund), never refused. A charge may drive what is
   * left below zero (the client then waits until it has recovered), at most one burst below; a
   * refund never raises it above the full quota. A limit whose window has ended since the
   * reservation takes a charge into its new window and ignores a refund. 0: nothing for that limit.
   */
  Future<Void> settle(String scope, String client, List<Limit> limits, long[] deltas);

  /**
   * What {@code client} has left of each limit, counting nothing: a check of more than any of the
   * limits can ever admit, which is always refused and so consumes nothing, answered with the
   * client's remaining and reset of each ({@code allowed} is false, {@code retryMillis}
   * meaningless).
   */
  default Future<AcquireResult> inspect(String scope, String client, List<Limit> limits) {
    return acquireEach(scope, client, limits, Costs.beyondCapacity(limits));
  }

  /**
   * Clears {@code client}'s counters of {@code limits}: each has its full quota again at once, and
   * every agent sharing the store hears of it (see {@link #onReset}).
   */
  Future<Void> reset(String scope, String client, List<Limit> limits);

  /**
   * {@code listener} hears (scope, client) of every reset in this store, made by this agent or any
   * other sharing it, so that it can forget what it cached of that client.
   */
  void onReset(java.util.function.BiConsumer<String, String> listener);

  /**
   * Gets the store ready to decide at full speed (connections, the script on every node), for at
   * most {@code millis}; never fails. Completes with what was done, for the readiness report.
   */
  default Future<String> prepare(long millis) {
    return Future.succeededFuture(describe());
  }

  /** Succeeds when the store answers. */
  Future<Void> ping();

  Future<Void> close();

  /** Human name for logs and {@code /health/ready}. */
  String describe();
}
