package dev.ratelimiter.agent.answer;

import dev.ratelimiter.agent.limiter.Decision;
import dev.ratelimiter.policy.Limit;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.List;

/**
 * The headers every {@code /api} response carries: {@code RateLimit-Policy} and {@code RateLimit}
 * as in the IETF httpapi draft (draft-11), one item per limit that applied to the request, and the
 * widely used {@code X-RateLimit-Limit/-Remaining/-Reset} for the strictest limit. Seconds are
 * rounded up, so a client that waits the advertised time is never refused for being early.
 * Remaining is what the limit would admit now (a TokenBucket: the whole tokens left of its burst)
 * and reset the time until it is back to its full quota (the window's end; the last counted request
 * leaving a sliding window; a full bucket). X-RateLimit-Limit is the most a client can have at
 * once: the quota, or a TokenBucket's burst.
 */
public final class RateLimitHeaders {

  // Pre-encoded names: written on every response.
  static final CharSequence RATELIMIT_POLICY = HttpHeaders.createOptimized("RateLimit-Policy");
  static final CharSequence RATELIMIT = HttpHeaders.createOptimized("RateLimit");
  static final CharSequence X_LIMIT = HttpHeaders.createOptimized("X-RateLimit-Limit");
  static final CharSequence X_REMAINING = HttpHeaders.createOptimized("X-RateLimit-Remaining");
  static final CharSequence X_RESET = HttpHeaders.createOptimized("X-RateLimit-Reset");

  private RateLimitHeaders() {}

  /** Nothing when no limit applied (an exempt client, or a route no limit matches). */
  public static void apply(MultiMap headers, Decision decision) {
    if (!decision.limited()) {
      return;
    }
    List<Limit> limits = decision.limits();
    headers.set(RATELIMIT_POLICY, policyField(limits));
    int strictest = decision.strictestIndex();
    headers.set(X_LIMIT, number(limits.get(strictest).burst()));
    if (!decision.countersKnown()) {
      return; // the store did not answer (failurePolicy Open): nothing honest to say about usage
    }
    long remaining = decision.remaining()[strictest];
    long reset = seconds(decision.resetMillis()[strictest]);
    headers.set(
        RATELIMIT, limits.size() == 1 ? oneLimitField(limits, remaining, reset) : field(decision));
    headers.set(X_REMAINING, number(remaining));
    headers.set(X_RESET, number(reset));
  }

  private static String field(Decision decision) {
    List<Limit> limits = decision.limits();
    StringBuilder rateLimit = new StringBuilder();
    for (int i = 0; i < limits.size(); i++) {
      if (i > 0) {
        rateLimit.append(", ");
      }
      rateLimit
          .append('"')
          .append(limits.get(i).name())
          .append("\";r=")
          .append(decision.remaining()[i])
          .append(";t=")
          .append(seconds(decision.resetMillis()[i]));
    }
    return rateLimit.toString();
  }

  /** Header values of small numbers, encoded once: most counts, quotas and seconds are small. */
  private static final CharSequence[] NUMBERS = new CharSequence[4096];

  static {
    for (int i = 0; i < NUMBERS.length; i++) {
      NUMBERS[i] = HttpHeaders.createOptimized(Integer.toString(i));
    }
  }

  static CharSequence number(long value) {
    return value >= 0 && value < NUMBERS.length ? NUMBERS[(int) value] : Long.toString(value);
  }

  /**
   * The last {@code RateLimit} field of a request under one limit: under load most answers repeat
   * it (new clients all have the same left; a refused client, the same until the second turns).
   */
  private record OneLimitField(List<Limit> limits, long remaining, long reset, CharSequence text) {}

  private static volatile OneLimitField lastField;

  static CharSequence oneLimitField(List<Limit> limits, long remaining, long reset) {
    OneLimitField cached = lastField;
    if (cached != null
        && cached.limits == limits
        && cached.remaining == remaining
        && cached.reset == reset) {
      return cached.text;
    }
    CharSequence text =
        HttpHeaders.createOptimized(
            "\"" + limits.get(0).name() + "\";r=" + remaining + ";t=" + reset);
    lastField = new OneLimitField(limits, remaining, reset, text);
    return text;
  }

  /**
   * The last field, kept for its list of limits: the limiter shares one list per policy and route
   * selection.
   */
  private static volatile Object[] cachedField = {null, null};

  static CharSequence policyField(List<Limit> limits) {
    Object[] cached = cachedField;
    if (cached[0] == limits) {
      return (CharSequence) cached[1];
    }
    CharSequence field = HttpHeaders.createOptimized(policyFieldText(limits));
    cachedField = new Object[] {limits, field};
    return field;
  }

  static String policyFieldText(List<Limit> limits) {
    StringBuilder sb = new StringBuilder();
    for (Limit limit : limits) {
      if (!sb.isEmpty()) {
        sb.append(", ");
      }
      sb.append('"')
          .append(limit.name())
          .append("\";q=")
          .append(limit.requests())
          .append(";w=")
          .append(limit.windowSeconds());
    }
    return sb.toString();
  }

  /** Whole seconds, rounded up; at least 1 while any time remains. */
  public static long seconds(long millis) {
    return millis <= 0 ? 0 : (millis + 999) / 1000;
  }
}
