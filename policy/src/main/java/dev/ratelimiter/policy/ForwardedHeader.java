package dev.ratelimiter.policy;

/**
 * The one forwarding header believed from trusted proxies. The other is ignored: a proxy that
 * appends one of them usually passes the other through unchanged, so a client can write it freely.
 */
public enum ForwardedHeader {
  /** {@code X-Forwarded-For: client, proxy1, proxy2} (nginx, most load balancers). */
  XForwardedFor("X-Forwarded-For"),
  /** RFC 7239 {@code Forwarded: for=client, for=proxy1}. */
  Forwarded("Forwarded");

  private final String headerName;

  ForwardedHeader(String headerName) {
    this.headerName = headerName;
  }

  public String headerName() {
    return headerName;
  }
}
