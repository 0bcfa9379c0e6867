package dev.ratelimiter.agent.backend;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The backend's side of {@code /metrics}: how long it takes to answer (request sent → response head
 * received, as a histogram) and its answers by status class, with refused connections and timeouts
 * counted apart ({@code class="unreachable"}, {@code class="timeout"}).
 */
public final class BackendMetrics {

  private final Timer latency;
  private final Counter[] byClass = new Counter[6];
  private final Counter unreachable;
  private final Counter timeout;

  public BackendMetrics(MeterRegistry registry) {
    latency =
        Timer.builder("ratelimiter.backend.latency")
            .description(
                "Time from forwarding a request to the backend until its response head arrives")
            .publishPercentileHistogram()
            .register(registry);
    for (int c = 1; c <= 5; c++) {
      byClass[c] = counter(registry, c + "xx");
    }
    unreachable = counter(registry, "unreachable");
    timeout = counter(registry, "timeout");
  }

  private static Counter counter(MeterRegistry registry, String statusClass) {
    return Counter.builder("ratelimiter.backend.responses")
        .description(
            "Backend answers by status class; unreachable and timeout are the agent's 502 and 504")
        .tag("class", statusClass)
        .register(registry);
  }

  void responded(int status, long startNanos) {
    latency.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    int c = status / 100;
    if (c >= 1 && c <= 5) {
      byClass[c].increment();
    }
  }

  void failed(boolean timedOut, long startNanos) {
    latency.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    (timedOut ? timeout : unreachable).increment();
  }
}
