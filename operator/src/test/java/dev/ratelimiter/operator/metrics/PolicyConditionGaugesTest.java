package dev.ratelimiter.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.operator.Policies;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import dev.ratelimiter.operator.customresource.RateLimitPolicyStatus;
import dev.ratelimiter.operator.customresource.StatusConditions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The operator's per-policy condition gauges")
class PolicyConditionGaugesTest {

  static RateLimitPolicyStatus status(boolean ready, boolean enforced) {
    RateLimitPolicyStatus s = new RateLimitPolicyStatus();
    s.setConditions(
        List.of(
            StatusConditions.condition(StatusConditions.READY, ready, "R", "m", 1L),
            StatusConditions.condition(StatusConditions.ENFORCED, enforced, "E", "m", 1L)));
    return s;
  }

  static final String ENFORCED =
      "ratelimiter_operator_policy_condition{namespace=\"shop\",policy=\"api\",type=\"Enforced\"}";

  @Test
  @DisplayName(
      "follow each reconcile's Ready and Enforced (1 = True), and drop a policy no reconcile has seen for two minutes")
  void followAndForget() {
    AtomicLong now = new AtomicLong();
    OperatorMetrics metrics = new OperatorMetrics(now::get);
    RateLimitPolicy p = Policies.policy("shop", "api", new RateLimitPolicySpec());
    metrics.observed(p, status(true, false));
    assertThat(metrics.scrape()).contains(ENFORCED + " 0.0");
    metrics.observed(p, status(true, true));
    assertThat(metrics.scrape())
        .contains(ENFORCED + " 1.0")
        .contains(
            "ratelimiter_operator_policy_condition{namespace=\"shop\",policy=\"api\",type=\"Ready\"} 1.0");
    now.addAndGet(Duration.ofMinutes(3).toNanos());
    assertThat(metrics.scrape()).doesNotContain("ratelimiter_operator_policy_condition{");
    metrics.observed(p, status(false, false));
    assertThat(metrics.scrape()).contains(ENFORCED + " 0.0");
  }
}
