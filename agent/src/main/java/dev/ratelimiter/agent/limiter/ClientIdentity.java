package dev.ratelimiter.agent.limiter;

/**
 * Who a request is counted against.
 *
 * @param key the canonical client key: an address, an IPv6 prefix, or a hash of the client header's
 *     value
 * @param exempt the client's address is in the policy's {@code exempt} list
 * @param missingHeader with {@code clientKey.missing: Reject}, the header the request lacks (it is
 *     refused); else null
 */
public record ClientIdentity(String key, boolean exempt, String missingHeader) {

  public static ClientIdentity of(String key) {
    return new ClientIdentity(key, false, null);
  }

  public boolean rejected() {
    return missingHeader != null;
  }
}
