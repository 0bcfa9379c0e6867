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
    headers.set(X_LIMIT, Long.toString(limits.get(strictest).burst()));
    if (!decision.countersKnown()) {
      return; // the store did not answer (failurePolicy Open): nothing honest to say about usage
    }
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
    headers.set(RATELIMIT, rateLimit.toString());
    headers.set(X_REMAINING, Long.toString(decision.remaining()[strictest]));
    headers.set(X_RESET, Long.toString(seconds(decision.resetMillis()[strictest])));
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
