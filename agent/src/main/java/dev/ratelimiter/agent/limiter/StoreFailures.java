package dev.ratelimiter.agent.limiter;

import dev.ratelimiter.agent.store.StoreUnavailableException;
import dev.ratelimiter.agent.store.StoreUnavailableException.Reason;
import dev.ratelimiter.policy.FailurePolicy;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests the failure policy decided because the store failed, never silently: counted by reason
 * ({@code ratelimiter_store_failures_total{reason}}) and logged as a warning at once and then at
 * most every {@link #INTERVAL_SECONDS} s while it goes on, saying how many requests since the last
 * line, how the policy decided them and the last error.
 */
final class StoreFailures {

  private static final Logger LOG = LoggerFactory.getLogger(StoreFailures.class);
  static final long INTERVAL_SECONDS = 10;

  private final Map<Reason, Counter> byReason = new EnumMap<>(Reason.class);
  private final AtomicLong nextLineAt = new AtomicLong(System.nanoTime());
  private final AtomicLong since = new AtomicLong();
  private final AtomicReference<String> last = new AtomicReference<>();

  StoreFailures(MeterRegistry registry) {
    for (Reason reason : Reason.values()) {
      byReason.put(
          reason,
          Counter.builder("ratelimiter.store.failures")
              .description(
                  "Requests the failure policy decided because the store failed, by how it failed")
              .tag("reason", reason.tag())
              .register(registry));
    }
  }

  void failed(Throwable cause, FailurePolicy policy) {
    byReason.get(StoreUnavailableException.reasonOf(cause)).increment();
    since.incrementAndGet();
    last.set(cause.getMessage());
    long now = System.nanoTime();
    long next = nextLineAt.get();
    if (now - next >= 0
        && nextLineAt.compareAndSet(next, now + TimeUnit.SECONDS.toNanos(INTERVAL_SECONDS))) {
      LOG.warn(
          "The counter store is failing: {} request(s) since the last line decided by failurePolicy {} ({}); last error: {}",
          since.getAndSet(0),
          policy,
          switch (policy) {
            case Open -> "allowed uncounted";
            case Closed -> "refused with 503";
            case Local -> "counted against this agent's share";
          },
          last.get());
    }
  }
}
