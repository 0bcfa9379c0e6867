package dev.ratelimiter.agent.limiter;

/**
 * Where a decision was asked for: the {@code source} tag of {@code ratelimiter_requests_total} (a
 * fixed, small set).
 */
public enum Source {
  /** {@code /api} on the public port, answered or proxied */
  API,
  /** {@code /check} on the public port, for a gateway's external authorization */
  CHECK,
  /** Envoy's rate limit service over gRPC */
  GRPC;

  public String tag() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
