package dev.ratelimiter.policy;

/** Where the client identity comes from. */
public enum ClientKeySource {
  /** The TCP peer, or the forwarded address when the peer is a trusted proxy. */
  RemoteAddress,
  /**
   * A request header such as {@code X-Api-Key}; the counter key holds a hash of its value, never
   * the value.
   */
  Header,
  /**
   * A claim (default {@code sub}) of a bearer token whose signature, issuer, audience and time the
   * agent verifies against the policy's JWKS ({@link JwtPolicy}); the key holds a hash of the
   * claim.
   */
  Jwt
}
