package dev.ratelimiter.agent.limiter;

import dev.ratelimiter.agent.store.AcquireResult;
import dev.ratelimiter.agent.store.CounterStore;
import dev.ratelimiter.agent.store.StoreUnavailableException;
import dev.ratelimiter.policy.FailurePolicy;
import dev.ratelimiter.policy.Limit;
import dev.ratelimiter.policy.Mode;
import dev.ratelimiter.policy.Policy;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * Decides one request. First the limits that apply to its route are picked (a request no limit
 * matches is let through uncounted); then a locally cached refusal answers if the client is known
 * to be over one of them, otherwise one store call for those limits. When the store cannot answer,
 * the policy's failure policy decides: Open allows, Closed fails with {@link
 * StoreUnavailableException}, Local counts against this agent's share of each limit ({@code
 * ceil(requests / agents)}, a TokenBucket's burst likewise, see {@link Limit#share}) in an
 * in-memory store of its own, with the limit's own algorithm. In mode Shadow a refusal is turned
 * into an allowed decision that says so.
 */
public final class RateLimiter {

  private final ActivePolicy activePolicy;
  private final CounterStore store;
  private final CounterStore localStore;
  private final RejectionCache rejections;
  private final TopRefused topRefused;
  private final LongSupplier clockMillis;
  private final LimiterMetrics metrics;
  private final ShadowLog shadowLog;
  private final TokenBudgets budgets;
  private volatile LimitSelection selection;
  private volatile boolean fullStoreRefuses;

  public RateLimiter(
      ActivePolicy activePolicy,
      CounterStore store,
      LongSupplier clockMillis,
      LimiterMetrics metrics) {
    this(activePolicy, store, null, clockMillis, metrics);
  }

  /**
   * @param localStore counts each agent's share under failurePolicy Local while {@code store} is
   *     away; null: an in-memory one
   */
  public RateLimiter(
      ActivePolicy activePolicy,
      CounterStore store,
      CounterStore localStore,
      LongSupplier clockMillis,
      LimiterMetrics metrics) {
    this.activePolicy = activePolicy;
    this.store = store;
    this.localStore =
        localStore != null
            ? localStore
            : new dev.ratelimiter.agent.store.memory.InMemoryStore(
                clockMillis, dev.ratelimiter.agent.store.memory.InMemoryStore.DEFAULT_MAX_CLIENTS);
    this.clockMillis = clockMillis;
    this.metrics = metrics;
    this.rejections = new RejectionCache(clockMillis);
    this.topRefused = new TopRefused(clockMillis);
    this.shadowLog = new ShadowLog(clockMillis);
    this.budgets = metrics.tokenBudgets();
    this.selection = new LimitSelection(activePolicy.get());
    metrics.policyInForce(activePolicy.get());
    activePolicy.onChange(
        p -> {
          rejections.clear();
          selection = new LimitSelection(p);
          metrics.policyInForce(p);
        });
  }

  public Policy policy() {
    return activePolicy.get();
  }

  /**
   * {@code MEMORY_FULL=Refuse}: a new client the in-memory store has no room for is refused (503),
   * whatever the failure policy; otherwise the failure policy decides, as for any store failure.
   */
  public void fullStoreRefuses(boolean refuses) {
    this.fullStoreRefuses = refuses;
  }

  public RejectionCache rejections() {
    return rejections;
  }

  /** The clients refused most lately, for the admin API. */
  public TopRefused topRefused() {
    return topRefused;
  }

  /** The store the policy's limits are counted in. */
  public CounterStore store() {
    return store;
  }

  public CounterStore localStore() {
    return localStore;
  }

  /**
   * Decides under {@code policy}: the one the caller read when it worked out the client key, so
   * that a request racing a policy swap is decided wholly under the old policy or the new one.
   */
  public Future<Decision> check(Policy policy, String client) {
    return check(policy, client, Route.UNKNOWN, 1, Source.API);
  }

  /**
   * Exempt clients are let through uncounted; others are decided by {@link #check(Policy, String,
   * Route, long, Source)}.
   */
  public Future<Decision> check(
      Policy policy, ClientIdentity client, Route route, long cost, Source source) {
    return check(policy, client, route, cost, source, null);
  }

  /**
   * The same, with the request's own estimate of what it spends against each token budget (see
   * {@link TokenBudgets#reservations}); null: each budget's {@code reserve}.
   */
  public Future<Decision> check(
      Policy policy,
      ClientIdentity client,
      Route route,
      long cost,
      Source source,
      ToLongFunction<Limit> estimate) {
    if (client.exempt()) {
      Decision exempt = Decision.uncounted(policy, Decision.Outcome.EXEMPT, cost);
      metrics.decided(source, exempt);
      return Future.succeededFuture(exempt);
    }
    return check(policy, client.key(), route, cost, source, estimate);
  }

  /**
   * Settles what {@code decision} reserved of token budgets for {@code client} (the key it was
   * decided for) to what the response reported; never fails.
   */
  public Future<Void> settle(Decision decision, String client, UsageReport usage) {
    return budgets.settle(decision, client, usage, store, localStore);
  }

  /**
   * Settles, for a gateway that says after a request what it spent (Envoy's {@code
   * apply_on_stream_done}), the {@code reserved} tokens it was checked with earlier to {@code
   * spent}, on the token budgets {@code route} selects for {@code client}; never fails, and nothing
   * happens for an exempt client or a route without a budget.
   */
  public Future<Void> settle(
      Policy policy, ClientIdentity client, Route route, long reserved, long spent) {
    if (client.exempt()) {
      return Future.succeededFuture();
    }
    LimitSelection sel = selection;
    if (sel.policy() != policy) {
      sel = new LimitSelection(policy);
    }
    int mask = sel.mask(route);
    return mask == 0
        ? Future.succeededFuture()
        : budgets.settleStated(
            policy.id(),
            client.key(),
            policy.limitsFor(client.key(), sel.limits(mask)),
            reserved,
            spent,
            store);
  }

  /**
   * @param route the request the decision is about: only the limits whose match it fits apply
   * @param cost units the request counts for, at least 1
   * @param source where the decision was asked for, for metrics
   */
  public Future<Decision> check(
      Policy policy, String client, Route route, long cost, Source source) {
    return check(policy, client, route, cost, source, null);
  }

  private Future<Decision> check(
      Policy policy,
      String client,
      Route route,
      long cost,
      Source source,
      ToLongFunction<Limit> estimate) {
    if (cost < 1) {
      throw new IllegalArgumentException("cost must be at least 1: " + cost);
    }
    LimitSelection sel = selection;
    if (sel.policy() != policy) {
      sel = new LimitSelection(policy); // a request that read the policy just before a swap
    }
    int mask = sel.mask(route);
    if (mask == 0) {
      Decision unmatched = Decision.uncounted(policy, Decision.Outcome.UNMATCHED, cost);
      metrics.decided(source, unmatched);
      return Future.succeededFuture(unmatched);
    }
    List<Limit> limits = policy.limitsFor(client, sel.limits(mask));
    // A token budget's refusal is not cached: a settlement (here or on another agent) may give
    // back what it waits for before its retry time.
    long[] costs = TokenBudgets.reservations(limits, cost, estimate);
    String cacheKey = sel.isAll(mask) ? client : client + '#' + mask;
    Decision cached = costs != null ? null : rejections.lookup(cacheKey, policy, cost);
    if (cached != null) {
      return Future.succeededFuture(finish(source, client, cached));
    }
    long sentAt = clockMillis.getAsLong();
    long startNanos = System.nanoTime();
    return (costs == null
            ? store.acquire(policy.id(), client, limits, cost)
            : store.acquireEach(policy.id(), client, limits, costs))
        .transform(
            ar -> {
              metrics.storeCall(System.nanoTime() - startNanos, ar.succeeded());
              if (ar.succeeded()) {
                Decision decision =
                    fromStore(
                        policy,
                        limits,
                        ar.result(),
                        cost,
                        costs,
                        Decision.Outcome.ALLOWED,
                        Decision.Outcome.REJECTED);
                if (!decision.allowed() && costs == null) {
                  rejections.remember(cacheKey, decision, sentAt);
                }
                return Future.succeededFuture(finish(source, client, decision));
              }
              FailurePolicy deciding =
                  fullStoreRefuses
                          && StoreUnavailableException.reasonOf(ar.cause())
                              == StoreUnavailableException.Reason.FULL
                      ? FailurePolicy.Closed
                      : policy.failurePolicy();
              metrics.storeFailed(ar.cause(), deciding);
              return switch (deciding) {
                case Open ->
                    Future.succeededFuture(
                        finish(
                            source,
                            client,
                            new Decision(
                                policy,
                                limits,
                                true,
                                null,
                                null,
                                Decision.Outcome.FAILED_OPEN,
                                cost,
                                null)));
                case Local -> local(policy, client, limits, cost, costs, source);
                case Closed -> {
                  metrics.failedClosed(source);
                  yield Future.failedFuture(ar.cause());
                }
              };
            });
  }

  /**
   * failurePolicy Local: this agent's share of each limit, counted here. Local refusals are not
   * cached: the store may return first.
   */
  private Future<Decision> local(
      Policy policy, String client, List<Limit> limits, long cost, long[] costs, Source source) {
    List<Limit> shares = limits.stream().map(l -> l.share(policy.agents())).toList();
    long[] shareCosts = costs == null ? null : costs.clone();
    for (int i = 0; shareCosts != null && i < shares.size(); i++) {
      shareCosts[i] = Math.min(shareCosts[i], shares.get(i).burst());
    }
    return (shareCosts == null
            ? localStore.acquire(policy.id(), client, shares, cost)
            : localStore.acquireEach(policy.id(), client, shares, shareCosts))
        .transform(
            ar -> {
              if (ar.failed()) { // the local store is full: nothing better than failing open
                return Future.succeededFuture(
                    finish(
                        source,
                        client,
                        new Decision(
                            policy,
                            limits,
                            true,
                            null,
                            null,
                            Decision.Outcome.FAILED_OPEN,
                            cost,
                            null)));
              }
              return Future.succeededFuture(
                  finish(
                      source,
                      client,
                      fromStore(
                          policy,
                          shares,
                          ar.result(),
                          cost,
                          shareCosts,
                          Decision.Outcome.LOCAL_ALLOWED,
                          Decision.Outcome.LOCAL_REJECTED)));
            });
  }

  /** Mode Shadow turns a refusal into a pass that says so; then the metrics. */
  private Decision finish(Source source, String client, Decision decision) {
    Decision out = decision;
    if (!decision.allowed() && decision.countersKnown()) {
      topRefused.refused(client); // refused over its quota, not for a store failure
    }
    if (!decision.allowed() && decision.policy().mode() == Mode.Shadow) {
      out =
          new Decision(
              decision.policy(),
              decision.limits(),
              true,
              decision.remaining(),
              decision.resetMillis(),
              Decision.Outcome.SHADOW_REJECTED,
              decision.cost(),
              decision.retryMillis(),
              decision.charged());
      shadowLog.wouldHaveRefused(decision.strictestLimit().name());
    }
    metrics.decided(source, out);
    budgets.reserved(out);
    return out;
  }

  /**
   * What the store answered for {@code limits} (the ones that applied, in policy order), as a
   * decision.
   */
  static Decision fromStore(
      Policy policy,
      List<Limit> limits,
      AcquireResult result,
      long cost,
      long[] charged,
      Decision.Outcome allowed,
      Decision.Outcome refused) {
    return new Decision(
        policy,
        limits,
        result.allowed(),
        result.remaining(),
        result.resetMillis(),
        result.allowed() ? allowed : refused,
        cost,
        result.retryMillis(),
        charged);
  }
}
