package dev.ratelimiter.policy;

/** With {@code clientKey.source: Header}: what happens to a request without the header. */
public enum MissingHeader {
  /** Count it by its client address, as with {@code source: RemoteAddress}. */
  RemoteAddress,
  /** Refuse it: {@code 401} naming the header. */
  Reject
}
