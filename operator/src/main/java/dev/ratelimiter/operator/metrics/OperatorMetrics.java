package dev.ratelimiter.operator.metrics;

import dev.ratelimiter.operator.enforcement.PushMetrics;
import dev.ratelimiter.operator.enforcement.PushResult.Outcome;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The operator's metrics, in one Prometheus registry served as {@code GET /metrics} on the health
 * port: JOSDK's own ({@code operator_sdk_*}: reconciles started, succeeded, failed, their
 * durations, events received, without per-resource tags so the series stay few), and the policy
 * pushes: {@code ratelimiter_operator_pushes_total{outcome}} and the histogram {@code
 * ratelimiter_operator_push_latency_seconds}.
 */
public final class OperatorMetrics implements PushMetrics {

  public static final String PUSHES = "ratelimiter.operator.pushes";
  public static final String PUSH_LATENCY = "ratelimiter.operator.push.latency";

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MicrometerMetrics josdk = MicrometerMetrics.withoutPerResourceMetrics(registry);
  private final Map<Outcome, Counter> pushes = new EnumMap<>(Outcome.class);
  private final Timer latency;

  public OperatorMetrics() {
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

  /** The Prometheus text exposition of every metric. */
  public String scrape() {
    return registry.scrape();
  }
}
