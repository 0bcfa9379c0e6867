package dev.ratelimiter.agent.limiter;

/**
 * Who a request is counted against, or why it cannot be told.
 *
 * @param key the canonical client key: an address, an IPv6 prefix, or a hash of the client header's
 *     value; null when the request is refused
 * @param exempt the client's address is in the policy's {@code exempt} list
 * @param missingHeader with {@code clientKey.missing: Reject}, the header the request lacks (it is
 *     refused, 401); else null
 * @param ambiguousHeader the client header came more than once, or with a comma, so that a backend
 *     might read another key than the agent counts (refused, 400); else null
 */
public record ClientIdentity(
    String key, boolean exempt, String missingHeader, String ambiguousHeader) {

  public ClientIdentity(String key, boolean exempt) {
    this(key, exempt, null, null);
  }

  public static ClientIdentity of(String key) {
    return new ClientIdentity(key, false);
  }

  public static ClientIdentity missing(String header) {
    return new ClientIdentity(null, false, header, null);
  }

  public static ClientIdentity ambiguous(String header) {
    return new ClientIdentity(null, false, null, header);
  }

  /** Refused for a missing client header (401). */
  public boolean rejected() {
    return missingHeader != null;
  }

  /** Refused for a client header with several values (400). */
  public boolean ambiguous() {
    return ambiguousHeader != null;
  }
}
