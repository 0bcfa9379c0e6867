package dev.ratelimiter.agent.limiter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The limiter's Prometheus metrics, registered once and updated without allocation per request. */
public final class LimiterMetrics {

    private final Map<Decision.Outcome, Counter> decisions = new EnumMap<>(Decision.Outcome.class);
    private final Counter failedClosed;
    private final Timer storeOk;
    private final Timer storeFailed;

    public LimiterMetrics(MeterRegistry registry) {
        for (Decision.Outcome outcome : Decision.Outcome.values()) {
            decisions.put(outcome, Counter.builder("ratelimiter.requests")
                    .description("Requests decided on /api, by outcome")
                    .tag("outcome", outcome.name().toLowerCase())
                    .register(registry));
        }
        failedClosed = Counter.builder("ratelimiter.requests")
                .description("Requests decided on /api, by outcome")
                .tag("outcome", "failed_closed")
                .register(registry);
        storeOk = Timer.builder("ratelimiter.store.latency").tag("result", "ok")
                .description("Time for one counter-store call").register(registry);
        storeFailed = Timer.builder("ratelimiter.store.latency").tag("result", "error")
                .description("Time for one counter-store call").register(registry);
    }

    void decided(Decision decision) {
        decisions.get(decision.outcome()).increment();
    }

    void failedClosed() {
        failedClosed.increment();
    }

    void storeCall(long nanos, boolean ok) {
        (ok ? storeOk : storeFailed).record(nanos, TimeUnit.NANOSECONDS);
    }
}
