package dev.ratelimiter.agent.limiter;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the requests mode Shadow let through although a limit would have refused them, at most one
 * line per second per agent; the next line says how many were not logged in between. So a would-be
 * flood shows in the log without becoming one.
 */
final class ShadowLog {

  private static final Logger LOG = LoggerFactory.getLogger(ShadowLog.class);
  static final long INTERVAL_MILLIS = 1000;

  private final LongSupplier clockMillis;
  private final AtomicLong nextLineAt = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong suppressed = new AtomicLong();
  private final Sink sink;

  interface Sink {
    void line(String limit, long suppressedBefore);
  }

  ShadowLog(LongSupplier clockMillis) {
    this(
        clockMillis,
        (limit, skipped) ->
            LOG.info(
                "Shadow mode: limit '{}' would have refused a request ({} more not logged in the last second)",
                limit,
                skipped));
  }

  ShadowLog(LongSupplier clockMillis, Sink sink) {
    this.clockMillis = clockMillis;
    this.sink = sink;
  }

  /**
   * @return true when a line was written
   */
  boolean wouldHaveRefused(String limit) {
    long now = clockMillis.getAsLong();
    long next = nextLineAt.get();
    if (now >= next && nextLineAt.compareAndSet(next, now + INTERVAL_MILLIS)) {
      sink.line(limit, suppressed.getAndSet(0));
      return true;
    }
    suppressed.incrementAndGet();
    return false;
  }
}
