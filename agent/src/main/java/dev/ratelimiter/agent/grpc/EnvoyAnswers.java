package dev.ratelimiter.agent.grpc;

import dev.ratelimiter.agent.answer.RateLimitHeaders;
import dev.ratelimiter.agent.limiter.Decision;
import dev.ratelimiter.policy.Limit;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.Code;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.DescriptorStatus;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.RateLimit.Unit;
import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Map;

/**
 * Decisions written the way Envoy's rate limit service v3 answers: one {@code DescriptorStatus} per
 * descriptor, the overall code, and the rate-limit headers {@code /api} sends.
 */
final class EnvoyAnswers {

  private EnvoyAnswers() {}

  /**
   * @param decisions one per descriptor, in the request's order; null for a settlement ({@code OK},
   *     nothing to say)
   */
  static RateLimitResponse response(List<Decision> decisions) {
    RateLimitResponse.Builder response = RateLimitResponse.newBuilder().setOverallCode(Code.OK);
    Decision shown = null;
    for (Decision decision : decisions) {
      if (decision == null) {
        response.addStatuses(DescriptorStatus.newBuilder().setCode(Code.OK));
        continue;
      }
      response.addStatuses(status(decision));
      if (!decision.allowed()) {
        response.setOverallCode(Code.OVER_LIMIT);
      }
      if (shown == null || (shown.allowed() && !decision.allowed())) {
        shown = decision;
      }
    }
    if (shown != null) {
      response.addAllResponseHeadersToAdd(headers(shown));
    }
    return response.build();
  }

  /**
   * Code, current limit (the strictest, see {@link #currentLimit}), units left under it and time
   * until its window ends. When the store did not answer (failurePolicy Open) only code and limit.
   */
  static DescriptorStatus status(Decision decision) {
    DescriptorStatus.Builder status =
        DescriptorStatus.newBuilder().setCode(decision.allowed() ? Code.OK : Code.OVER_LIMIT);
    if (!decision.limited()) {
      return status.build(); // exempt, or no limit matches the route
    }
    int strictest = decision.strictestIndex();
    RateLimitResponse.RateLimit limit = currentLimit(decision.limits().get(strictest));
    if (limit != null) {
      status.setCurrentLimit(limit);
    }
    if (decision.countersKnown()) {
      status.setLimitRemaining((int) Math.min(Integer.MAX_VALUE, decision.remaining()[strictest]));
      long reset = decision.resetMillis()[strictest];
      status.setDurationUntilReset(
          com.google.protobuf.Duration.newBuilder()
              .setSeconds(reset / 1000)
              .setNanos((int) (reset % 1000) * 1_000_000));
    }
    return status.build();
  }

  /**
   * The limit in Envoy's terms: a window of exactly one second, minute, hour or day maps to that
   * unit; any other window maps to {@code SECOND} when its quota is a whole number per second (e.g.
   * 120 per 2 minutes: 1 per second); otherwise Envoy's units cannot say it and it is null (the
   * status then carries no {@code current_limit}).
   */
  static RateLimitResponse.RateLimit currentLimit(Limit limit) {
    Map<Long, Unit> units =
        Map.of(1L, Unit.SECOND, 60L, Unit.MINUTE, 3600L, Unit.HOUR, 86_400L, Unit.DAY);
    Unit unit = units.get(limit.windowSeconds());
    long perUnit = limit.requests();
    if (unit == null) {
      if (limit.requests() % limit.windowSeconds() != 0) {
        return null;
      }
      unit = Unit.SECOND;
      perUnit = limit.requests() / limit.windowSeconds();
    }
    return RateLimitResponse.RateLimit.newBuilder()
        .setName(limit.name())
        .setRequestsPerUnit((int) Math.min(Integer.MAX_VALUE, perUnit))
        .setUnit(unit)
        .build();
  }

  /**
   * The headers {@code /api} sends for this decision, with {@code Retry-After} when it is a
   * refusal.
   */
  static List<HeaderValue> headers(Decision decision) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    RateLimitHeaders.apply(headers, decision);
    if (!decision.allowed()) {
      headers.set(
          "Retry-After",
          Long.toString(Math.max(1, RateLimitHeaders.seconds(decision.retryAfterMillis()))));
    }
    return headers.entries().stream()
        .map(e -> HeaderValue.newBuilder().setKey(e.getKey()).setValue(e.getValue()).build())
        .toList();
  }
}
