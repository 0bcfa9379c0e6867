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
        Decision cached = rejections.lookup(client, policy);
        if (cached != null) {
            metrics.decided(cached);
            return Future.succeededFuture(cached);
        }
        long sentAt = clockMillis.getAsLong();
        long startNanos = System.nanoTime();
        return store.acquire(policy.id(), client, policy.limits()).transform(ar -> {
            metrics.storeCall(System.nanoTime() - startNanos, ar.succeeded());
            Decision decision;
            if (ar.succeeded()) {
                decision = fromStore(policy, ar.result());
                if (!decision.allowed()) {
                    rejections.remember(client, decision, sentAt);
                }
            } else if (policy.failurePolicy() == FailurePolicy.Open) {
                decision = new Decision(policy, true, null, null, Decision.Outcome.FAILED_OPEN);
            } else {
                metrics.failedClosed();
                return Future.failedFuture(ar.cause());
            }
            metrics.decided(decision);
            return Future.succeededFuture(decision);
        });
    }

    static Decision fromStore(Policy policy, AcquireResult result) {
        int n = policy.limits().size();
        long[] remaining = new long[n];
        for (int i = 0; i < n; i++) {
            remaining[i] = Math.max(0, policy.limits().get(i).requests() - result.counts()[i]);
        }
        return new Decision(policy, result.allowed(), remaining, result.resetMillis(),
                result.allowed() ? Decision.Outcome.ALLOWED : Decision.Outcome.REJECTED);
    }
}
