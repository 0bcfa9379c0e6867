package dev.ratelimiter.agent.store.redis;

/**
 * What this agent knows of Redis's clock, so that a script call can carry its own deadline in
 * Redis's time: a call Redis runs only after this agent stopped waiting for it consumes nothing
 * (the script answers "expired" instead), so a request the failure policy decided is never also
 * counted later.
 *
 * <p>Every reply carries Redis's time when it ran ({@code TIME}); it ran before the reply was read,
 * so {@code redis time - this agent's monotonic time at reading} is a lower bound of the offset
 * between the two clocks. The deadline uses the highest such bound seen in the last one to two
 * minutes: never later than the true one while the clocks only drift, so an expired call really ran
 * after the timeout. Should Redis's clock step forward, calls may expire early until a reply shows
 * the step, which the first expired reply does (the store then sends the call once more). Should it
 * step back, deadlines are late by the step until the old bound ages out: calls then expire less,
 * never wrongly. Redis Cluster's masters share one estimate; their clocks differ by what NTP
 * allows.
 */
final class RedisClock {

  static final long UNKNOWN = Long.MIN_VALUE;

  /** Bounds age out after one to two of these. */
  static final long WINDOW_MILLIS = 60_000;

  private long current = UNKNOWN;
  private long previous = UNKNOWN;
  private long windowStart = Long.MIN_VALUE;

  /** A reply showed Redis's time {@code redisMillis}; this agent read it at {@code readAt}. */
  synchronized void observe(long redisMillis, long readAt) {
    if (redisMillis < 0) {
      return;
    }
    if (readAt - windowStart >= WINDOW_MILLIS) {
      previous = readAt - windowStart >= 2 * WINDOW_MILLIS ? UNKNOWN : current;
      current = UNKNOWN;
      windowStart = readAt;
    }
    current = Math.max(current, redisMillis - readAt);
  }

  /**
   * The deadline in Redis's time for a call sent at {@code sentAt} (this agent's monotonic clock);
   * 0, none, while no reply has shown Redis's time yet.
   */
  synchronized long deadline(long sentAt, long timeoutMillis) {
    long offset = Math.max(current, previous);
    return offset == UNKNOWN ? 0 : sentAt + timeoutMillis + offset;
  }

  /** This agent's monotonic clock in milliseconds, the one {@link #observe} and deadlines use. */
  static long now() {
    return System.nanoTime() / 1_000_000L;
  }
}
