package dev.ratelimiter.operator.metrics;

import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.RateLimitPolicyStatus;
import dev.ratelimiter.operator.customresource.StatusConditions;
import dev.ratelimiter.operator.enforcement.PushMetrics;
import dev.ratelimiter.operator.enforcement.PushResult.Outcome;
import dev.ratelimiter.operator.status.PolicyStatusListener;
import io.fabric8.kubernetes.api.model.Condition;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The operator's metrics, in one Prometheus registry served as {@code GET /metrics} on the health
 * port: JOSDK's own ({@code operator_sdk_*}: reconciles started, succeeded, failed, their
 * durations, events received, without per-resource tags so the series stay few), and the policy
 * pushes: {@code ratelimiter_operator_pushes_total{outcome}} and the histogram {@code
 * ratelimiter_operator_push_latency_seconds}.
 */
public final class OperatorMetrics implements PushMetrics, PolicyStatusListener {

  public static final String PUSHES = "ratelimiter.operator.pushes";
  public static final String PUSH_LATENCY = "ratelimiter.operator.push.latency";
  public static final String POLICY_CONDITION = "ratelimiter.operator.policy.condition";

  /**
   * The conditions a gauge per policy follows (1 = True), for alerts on a policy left unenforced.
   */
  static final List<String> CONDITIONS = List.of(StatusConditions.READY, StatusConditions.ENFORCED);

  /**
   * A policy not reconciled for this long is gone (every live policy is reconciled at least every
   * 30 s): its gauges are dropped at the next scrape, so a deleted policy raises no alert.
   */
  static final Duration FORGET_AFTER = Duration.ofMinutes(2);

  private final Map<String, PolicyGauges> policies = new ConcurrentHashMap<>();
  private final LongSupplier nanoClock;

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MicrometerMetrics josdk = MicrometerMetrics.withoutPerResourceMetrics(registry);
  private final Map<Outcome, Counter> pushes = new EnumMap<>(Outcome.class);
  private final Timer latency;

  public OperatorMetrics() {
    this(System::nanoTime);
  }

  OperatorMetrics(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    for (Outcome outcome : Outcome.values()) {
      if (outcome != Outcome.IN_FLIGHT) {
        // every outcome from the start, at 0, so that rates and ratios have all their series
        pushes.put(
            outcome,
            Counter.builder(PUSHES)
                .description("Policy pushes to agent pods, by how the agent answered")
                .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                .register(registry));
      }
    }
    latency =
        Timer.builder(PUSH_LATENCY)
            .description(
                "Time from sending a policy push to an agent pod until its answer (or failure)")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(5))
            .register(registry);
  }

  /** For JOSDK's {@code withMetrics}. */
  public Metrics josdk() {
    return josdk;
  }

  @Override
  public void pushed(Outcome outcome, Duration took) {
    Counter c = pushes.get(outcome);
    if (c != null) {
      c.increment();
    }
    latency.record(took);
  }

  /** One policy's condition gauges and when it was last reconciled. */
  private static final class PolicyGauges {
    final Map<String, AtomicInteger> values = new ConcurrentHashMap<>();
    final List<Gauge> gauges = new ArrayList<>();
    volatile long seenNanos;
  }

  @Override
  public void observed(RateLimitPolicy policy, RateLimitPolicyStatus status) {
    String ns = policy.getMetadata().getNamespace();
    String name = policy.getMetadata().getName();
    PolicyGauges g =
        policies.computeIfAbsent(
            ns + "/" + name,
            k -> {
              PolicyGauges created = new PolicyGauges();
              for (String type : CONDITIONS) {
                AtomicInteger value = new AtomicInteger();
                created.values.put(type, value);
                created.gauges.add(
                    Gauge.builder(POLICY_CONDITION, value, AtomicInteger::get)
                        .description(
                            "1 while the policy's condition is True, else 0; kept while the policy exists")
                        .tag("namespace", ns)
                        .tag("policy", name)
                        .tag("type", type)
                        .register(registry));
              }
              return created;
            });
    for (String type : CONDITIONS) {
      Condition c = StatusConditions.find(status.getConditions(), type);
      g.values.get(type).set(StatusConditions.isTrue(c) ? 1 : 0);
    }
    g.seenNanos = nanoClock.getAsLong();
  }

  /** The Prometheus text exposition of every metric. */
  public String scrape() {
    long now = nanoClock.getAsLong();
    policies
        .entrySet()
        .removeIf(
            e -> {
              boolean gone = now - e.getValue().seenNanos > FORGET_AFTER.toNanos();
              if (gone) {
                e.getValue().gauges.forEach(registry::remove);
              }
              return gone;
            });
    return registry.scrape();
  }
}
