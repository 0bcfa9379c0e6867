package dev.ratelimiter.agent.limiter;

import dev.ratelimiter.policy.FailurePolicy;
import dev.ratelimiter.policy.Policy;
import dev.ratelimiter.agent.store.AcquireResult;
import dev.ratelimiter.agent.store.CounterStore;
import dev.ratelimiter.agent.store.StoreUnavailableException;
import io.vertx.core.Future;

import java.util.function.LongSupplier;

/**
 * Decides one request: a locally cached refusal if the client is known to be over its limit,
 * otherwise one store call for all limits of the policy in force; when the store cannot answer,
 * the policy's failure policy decides (Open: allow; Closed: fail with {@link StoreUnavailableException}).
 */
public final class RateLimiter {

    private final ActivePolicy activePolicy;
    private final CounterStore store;
    private final RejectionCache rejections;
    private final LongSupplier clockMillis;
    private final LimiterMetrics metrics;

    public RateLimiter(ActivePolicy activePolicy, CounterStore store, LongSupplier clockMillis, LimiterMetrics metrics) {
        this.activePolicy = activePolicy;
        this.store = store;
        this.clockMillis = clockMillis;
        this.metrics = metrics;
        this.rejections = new RejectionCache(clockMillis);
        activePolicy.onChange(p -> rejections.clear());
    }

    public Policy policy() {
        return activePolicy.get();
    }

    public RejectionCache rejections() {
        return rejections;
    }

    /**
     * Decides under {@code policy}: the one the caller read when it worked out the client key, so
     * that a request racing a policy swap is decided wholly under the old policy or the new one.
     */
    public Future<Decision> check(Policy policy, String client) {
        return check(policy, client, Route.UNKNOWN, 1, Source.API);
    }

    /**
     * @param route  the request the decision is about (for per-route limits; not matched yet: every limit applies)
     * @param cost   units the request counts for, at least 1
     * @param source where the decision was asked for, for metrics
     */
    public Future<Decision> check(Policy policy, String client, Route route, long cost, Source source) {
        if (cost < 1) {
            throw new IllegalArgumentException("cost must be at least 1: " + cost);
        }
        Decision cached = rejections.lookup(client, policy, cost);
        if (cached != null) {
            metrics.decided(source, cached);
            return Future.succeededFuture(cached);
        }
        long sentAt = clockMillis.getAsLong();
        long startNanos = System.nanoTime();
        return store.acquire(policy.id(), client, policy.limits(), cost).transform(ar -> {
            metrics.storeCall(System.nanoTime() - startNanos, ar.succeeded());
            Decision decision;
            if (ar.succeeded()) {
                decision = fromStore(policy, ar.result(), cost);
                if (!decision.allowed()) {
                    rejections.remember(client, decision, sentAt);
                }
            } else if (policy.failurePolicy() == FailurePolicy.Open) {
                decision = new Decision(policy, true, null, null, Decision.Outcome.FAILED_OPEN, cost);
            } else {
                metrics.failedClosed(source);
                return Future.failedFuture(ar.cause());
            }
            metrics.decided(source, decision);
            return Future.succeededFuture(decision);
        });
    }

    static Decision fromStore(Policy policy, AcquireResult result) {
        return fromStore(policy, result, 1);
    }

    static Decision fromStore(Policy policy, AcquireResult result, long cost) {
        return new Decision(policy, result.allowed(), result.remaining(), result.resetMillis(),
                result.allowed() ? Decision.Outcome.ALLOWED : Decision.Outcome.REJECTED, cost, result.retryMillis());
    }
}
