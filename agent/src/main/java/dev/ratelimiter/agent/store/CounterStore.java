package dev.ratelimiter.agent.store;

import dev.ratelimiter.policy.Limit;
import io.vertx.core.Future;
import java.util.List;

/**
 * Where the counters live. One call checks every limit of a policy for one client and consumes
 * {@code cost} units of each only when every one of them has that many left; a refused request
 * consumes nothing, and a cost above a limit's quota is always refused.
 */
public interface CounterStore {

  /**
   * @param scope {@code <namespace>/<policy>}: keeps policies that share a store apart
   * @param client the canonical client key
   * @param limits the policy's limits, all checked together
   * @param cost units this request counts for, at least 1 (an HTTP request: 1; Envoy's {@code
   *     hits_addend})
   */
  Future<AcquireResult> acquire(String scope, String client, List<Limit> limits, long cost);

  /** One unit: an HTTP request. */
  default Future<AcquireResult> acquire(String scope, String client, List<Limit> limits) {
    return acquire(scope, client, limits, 1);
  }

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
