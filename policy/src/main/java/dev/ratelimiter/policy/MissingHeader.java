package dev.ratelimiter.policy;

/**
 * With {@code clientKey.source: Header} or {@code Jwt}: what happens to a request without the
 * header (or token). An invalid token is always refused, whatever this says.
 */
public enum MissingHeader {
  /** Count it by its client address, as with {@code source: RemoteAddress}. */
  RemoteAddress,
  /** Refuse it: {@code 401} naming the header. */
  Reject
}
