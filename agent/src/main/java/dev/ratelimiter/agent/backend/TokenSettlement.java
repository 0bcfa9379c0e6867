package dev.ratelimiter.agent.backend;

import dev.ratelimiter.agent.backend.usage.ReportedUsage;
import dev.ratelimiter.agent.backend.usage.UsageReader;
import dev.ratelimiter.agent.backend.usage.UsageTap;
import dev.ratelimiter.agent.limiter.Decision;
import dev.ratelimiter.agent.limiter.RateLimiter;
import dev.ratelimiter.agent.limiter.UsageReport;
import io.vertx.core.MultiMap;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.ProxyResponse;

/**
 * One proxied request's token budgets, settled once from its response: from a usage header when the
 * policy names one, else from the body's usage as it streams past ({@link UsageTap}), when the
 * whole body has passed. An error status, a failed exchange or a client that hung up before the end
 * settles at the reservation: it is the charge, and is counted as settled.
 */
final class TokenSettlement {

  private final RateLimiter limiter;
  private final Decision decision;
  private final String client;
  private boolean settled;

  private TokenSettlement(RateLimiter limiter, Decision decision, String client) {
    this.limiter = limiter;
    this.decision = decision;
    this.client = client;
  }

  /** The settlement of {@code decision}, or null when it reserved no token budget. */
  static TokenSettlement of(RateLimiter limiter, Decision decision, String client) {
    return decision.charged() == null ? null : new TokenSettlement(limiter, decision, client);
  }

  /** The request towards the backend: a body it compresses could not be read for its usage. */
  void towardsBackend(MultiMap headers) {
    headers.remove("Accept-Encoding");
  }

  /** Watches {@code response} (from the backend) for its usage. */
  void watch(ProxyResponse response) {
    if (response.getStatusCode() >= 400) {
      settle(UsageReport.UNKNOWN);
      return;
    }
    ReportedUsage usage =
        new ReportedUsage(MultiMap.caseInsensitiveMultiMap().addAll(response.headers()));
    String encoding = response.headers().get("Content-Encoding");
    UsageReader reader =
        encoding != null && !encoding.equalsIgnoreCase("identity")
            ? null
            : UsageReader.forBody(response.headers().get("Content-Type"), usage);
    if (reader == null) {
      settle(usage); // a usage header, if any
      return;
    }
    Body body = response.getBody();
    response.setBody(
        Body.body(
            new UsageTap(body.stream(), reader, () -> settle(usage)),
            body.length(),
            body.mediaType()));
  }

  /** The exchange ended without a whole answer: the backend failed, or the client hung up. */
  void unfinished() {
    settle(UsageReport.UNKNOWN);
  }

  private void settle(UsageReport usage) {
    if (!settled) {
      settled = true;
      limiter.settle(decision, client, usage);
    }
  }
}
