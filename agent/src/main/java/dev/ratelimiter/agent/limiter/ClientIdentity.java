package dev.ratelimiter.agent.limiter;

/**
 * Who a request is counted against, on which plan, or why it cannot be told.
 *
 * @param key the canonical client key: an address, an IPv6 prefix, or a hash of the client header's
 *     value or of the verified token's claim; null when the request is refused
 * @param exempt the client's address is in the policy's {@code exempt} list, or its plan in {@code
 *     exemptPlans}
 * @param missingHeader with {@code clientKey.missing: Reject}, the header the request lacks (it is
 *     refused, 401); else null
 * @param ambiguousHeader the client header came more than once, or with a comma, so that a backend
 *     might read another key than the agent counts (refused, 400); else null
 * @param plan the client's plan; null when the policy has no plans
 * @param invalidToken with {@code clientKey.source: Jwt}, the check the token failed (refused,
 *     401); else null
 * @param invalidTokenDetail what was wrong with the token, never the token itself; else null
 */
public record ClientIdentity(
    String key,
    boolean exempt,
    String missingHeader,
    String ambiguousHeader,
    String plan,
    String invalidToken,
    String invalidTokenDetail) {

  public ClientIdentity(String key, boolean exempt) {
    this(key, exempt, null, null, null, null, null);
  }

  public ClientIdentity(String key, boolean exempt, String plan) {
    this(key, exempt, null, null, plan, null, null);
  }

  public static ClientIdentity of(String key) {
    return new ClientIdentity(key, false);
  }

  public static ClientIdentity missing(String header) {
    return new ClientIdentity(null, false, header, null, null, null, null);
  }

  public static ClientIdentity ambiguous(String header) {
    return new ClientIdentity(null, false, null, header, null, null, null);
  }

  /** The token header held a token that names no client: which check failed, and how. */
  public static ClientIdentity invalidToken(String header, String reason, String detail) {
    return new ClientIdentity(null, false, null, null, null, reason, header + ": " + detail);
  }

  /** Refused for a missing client header (401). */
  public boolean rejected() {
    return missingHeader != null;
  }

  /** Refused for a client header with several values (400). */
  public boolean ambiguous() {
    return ambiguousHeader != null;
  }

  /** Refused for an invalid token (401). */
  public boolean invalid() {
    return invalidToken != null;
  }
}
