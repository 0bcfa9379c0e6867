package dev.ratelimiter.agent.limiter;

import dev.ratelimiter.policy.Limit;
import dev.ratelimiter.policy.Policy;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The limiter's Prometheus metrics, updated without allocation per request: {@code
 * ratelimiter_requests_total{outcome, source}} (registered once) and {@code
 * ratelimiter_limit_decisions_total{limit, outcome}}, registered for the limits of each policy put
 * in force and removed for limits that no longer exist (tags: limit names only, never clients).
 */
public final class LimiterMetrics {

  /** Per-limit outcomes: what a limit did with a request it applied to. */
  static final List<Decision.Outcome> LIMIT_OUTCOMES =
      List.of(
          Decision.Outcome.ALLOWED,
          Decision.Outcome.REJECTED,
          Decision.Outcome.SHADOW_REJECTED,
          Decision.Outcome.FAILED_OPEN,
          Decision.Outcome.LOCAL_ALLOWED,
          Decision.Outcome.LOCAL_REJECTED);

  private final MeterRegistry registry;
  private volatile Map<String, Map<Decision.Outcome, Counter>> byLimit = Map.of();

  private final Map<Source, Map<Decision.Outcome, Counter>> decisions = new EnumMap<>(Source.class);
  private final Map<Source, Counter> failedClosed = new EnumMap<>(Source.class);
  private final StoreFailures storeFailures;
  private final Timer storeOk;
  private final Timer storeFailed;
  private final TokenBudgets tokenBudgets;

  public LimiterMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (Source source : Source.values()) {
      Map<Decision.Outcome, Counter> bySource = new EnumMap<>(Decision.Outcome.class);
      for (Decision.Outcome outcome : Decision.Outcome.values()) {
        bySource.put(outcome, decisions(registry, source, outcome.name().toLowerCase()));
      }
      decisions.put(source, bySource);
      failedClosed.put(source, decisions(registry, source, "failed_closed"));
    }
    storeFailures = new StoreFailures(registry);
    tokenBudgets = new TokenBudgets(registry);
    storeOk =
        Timer.builder("ratelimiter.store.latency")
            .tag("result", "ok")
            .description("Time for one counter-store call")
            .register(registry);
    storeFailed =
        Timer.builder("ratelimiter.store.latency")
            .tag("result", "error")
            .description("Time for one counter-store call")
            .register(registry);
  }

  private static Counter decisions(MeterRegistry registry, Source source, String outcome) {
    return Counter.builder("ratelimiter.requests")
        .description("Decisions, by outcome and by where they were asked for (api, check, grpc)")
        .tag("outcome", outcome)
        .tag("source", source.tag())
        .register(registry);
  }

  /**
   * Registers the per-limit counters of {@code policy} and removes those of limits it no longer
   * has.
   */
  synchronized void policyInForce(Policy policy) {
    Map<String, Map<Decision.Outcome, Counter>> next = new HashMap<>();
    for (Limit limit : policy.limits()) {
      Map<Decision.Outcome, Counter> counters = new EnumMap<>(Decision.Outcome.class);
      for (Decision.Outcome outcome : LIMIT_OUTCOMES) {
        counters.put(
            outcome,
            Counter.builder("ratelimiter.limit.decisions")
                .description(
                    "Decisions per limit of the policy in force: what each limit did with the requests it applied to")
                .tag("limit", limit.name())
                .tag("outcome", outcome.tag())
                .register(registry));
      }
      next.put(limit.name(), counters);
    }
    Set<String> gone = new java.util.HashSet<>(byLimit.keySet());
    gone.removeAll(next.keySet());
    for (String name : gone) {
      byLimit.get(name).values().forEach(registry::remove);
    }
    byLimit = next;
  }

  void decided(Source source, Decision decision) {
    decisions.get(source).get(decision.outcome()).increment();
    if (decision.limited()) {
      perLimit(decision);
    }
  }

  /**
   * Allowed (by the store, Open or Local): every applied limit counts it. Refused (or, in Shadow,
   * would have been): the limits that had too little left.
   */
  private void perLimit(Decision decision) {
    Map<String, Map<Decision.Outcome, Counter>> counters = byLimit;
    Decision.Outcome outcome =
        switch (decision.outcome()) {
          case REJECTED_CACHED -> Decision.Outcome.REJECTED;
          default -> decision.outcome();
        };
    boolean refusal =
        outcome == Decision.Outcome.REJECTED
            || outcome == Decision.Outcome.SHADOW_REJECTED
            || outcome == Decision.Outcome.LOCAL_REJECTED;
    List<Limit> limits = decision.limits();
    for (int i = 0; i < limits.size(); i++) {
      if (refusal && !decision.refusedBy(i)) {
        continue;
      }
      Map<Decision.Outcome, Counter> forLimit = counters.get(limits.get(i).name());
      Counter counter = forLimit == null ? null : forLimit.get(outcome);
      if (counter != null) {
        counter.increment();
      }
    }
  }

  void failedClosed(Source source) {
    failedClosed.get(source).increment();
  }

  /** The store failed a request's call, and {@code policy} decided it. */
  void storeFailed(Throwable cause, dev.ratelimiter.policy.FailurePolicy policy) {
    storeFailures.failed(cause, policy);
  }

  void storeCall(long nanos, boolean ok) {
    (ok ? storeOk : storeFailed).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** The token budgets' reservations and settlements, counted in this registry. */
  TokenBudgets tokenBudgets() {
    return tokenBudgets;
  }
}
