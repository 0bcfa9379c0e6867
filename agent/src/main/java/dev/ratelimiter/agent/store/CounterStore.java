package dev.ratelimiter.agent.store;

import dev.ratelimiter.policy.Limit;
import io.vertx.core.Future;

import java.util.List;

/**
 * Where the counters live. One call checks every limit of a policy for one client and consumes one
 * unit of each only when all of them allow it; a refused request consumes nothing.
 */
public interface CounterStore {

    /**
     * @param scope  {@code <namespace>/<policy>}: keeps policies that share a store apart
     * @param client the canonical client key
     * @param limits the policy's limits, all checked together
     */
    Future<AcquireResult> acquire(String scope, String client, List<Limit> limits);

    /** Succeeds when the store answers. */
    Future<Void> ping();

    Future<Void> close();

    /** Human name for logs and {@code /health/ready}. */
    String describe();
}
