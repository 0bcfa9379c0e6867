package dev.ratelimiter.agent.limiter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The limiter's Prometheus metrics, registered once and updated without allocation per request. */
public final class LimiterMetrics {

    private final Map<Source, Map<Decision.Outcome, Counter>> decisions = new EnumMap<>(Source.class);
    private final Map<Source, Counter> failedClosed = new EnumMap<>(Source.class);
    private final Timer storeOk;
    private final Timer storeFailed;

    public LimiterMetrics(MeterRegistry registry) {
        for (Source source : Source.values()) {
            Map<Decision.Outcome, Counter> bySource = new EnumMap<>(Decision.Outcome.class);
            for (Decision.Outcome outcome : Decision.Outcome.values()) {
                bySource.put(outcome, decisions(registry, source, outcome.name().toLowerCase()));
            }
            decisions.put(source, bySource);
            failedClosed.put(source, decisions(registry, source, "failed_closed"));
        }
        storeOk = Timer.builder("ratelimiter.store.latency").tag("result", "ok")
                .description("Time for one counter-store call").register(registry);
        storeFailed = Timer.builder("ratelimiter.store.latency").tag("result", "error")
                .description("Time for one counter-store call").register(registry);
    }

    private static Counter decisions(MeterRegistry registry, Source source, String outcome) {
        return Counter.builder("ratelimiter.requests")
                .description("Decisions, by outcome and by where they were asked for (api, check, grpc)")
                .tag("outcome", outcome)
                .tag("source", source.tag())
                .register(registry);
    }

    void decided(Source source, Decision decision) {
        decisions.get(source).get(decision.outcome()).increment();
    }

    void failedClosed(Source source) {
        failedClosed.get(source).increment();
    }

    void storeCall(long nanos, boolean ok) {
        (ok ? storeOk : storeFailed).record(nanos, TimeUnit.NANOSECONDS);
    }
}
