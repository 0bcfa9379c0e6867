package dev.ratelimiter.operator.status;

import static dev.ratelimiter.operator.customresource.StatusConditions.REDIS_READY;

import dev.ratelimiter.operator.customresource.ExternalRedis;
import dev.ratelimiter.operator.customresource.ExternalRedisMode;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.StatusConditions;
import dev.ratelimiter.operator.enforcement.Enforcement;
import dev.ratelimiter.operator.enforcement.PushResult;
import dev.ratelimiter.operator.spec.RedisUrls;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code RedisReady} for an external Redis: what the agents said about reaching it in their latest
 * answers to a policy push ({@code storeReachable}, {@code storeError}; every ready agent pod is
 * pushed at least every 30 s, so a report is at most that old). The operator never connects to an
 * external Redis itself: what matters is whether the agents can, from their network.
 */
final class ExternalRedisStatus {

  static final String REACHABLE = "ReachableFromAgents";
  static final String UNREACHABLE = "UnreachableFromAgents";
  static final String NOT_REPORTED = "External";

  private ExternalRedisStatus() {}

  static Condition condition(RateLimitPolicy p, Enforcement enforcement, Long gen) {
    ExternalRedis external = p.getSpec().getRedis().getExternal();
    String mode = external.effectiveMode();
    String what =
        "external Redis "
            + (ExternalRedisMode.Standalone.name().equals(mode) ? "" : "(" + mode + ") ")
            + RedisUrls.redact(external.getUrl());
    List<PushResult> reports =
        enforcement.results().stream().filter(r -> r.storeReachable() != null).toList();
    List<PushResult> failing = reports.stream().filter(r -> !r.storeReachable()).toList();
    if (!failing.isEmpty()) {
      String pods =
          failing.stream()
              .limit(3)
              .map(r -> r.pod().name() + ": " + r.storeError())
              .collect(Collectors.joining("; "));
      return StatusConditions.condition(
          REDIS_READY,
          false,
          UNREACHABLE,
          failing.size()
              + " of "
              + reports.size()
              + " agent pod(s) cannot reach "
              + what
              + " ("
              + pods
              + ")",
          gen);
    }
    if (!reports.isEmpty()) {
      return StatusConditions.condition(
          REDIS_READY,
          true,
          REACHABLE,
          "every agent pod that answered (" + reports.size() + ") reaches " + what,
          gen);
    }
    return StatusConditions.condition(
        REDIS_READY,
        true,
        NOT_REPORTED,
        "using " + what + "; no agent pod has reported reaching it yet",
        gen);
  }
}
