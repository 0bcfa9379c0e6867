package dev.ratelimiter.operator.customresource;

/** Where the client identity comes from. */
public enum ClientKeySource {
  /** The TCP peer, or the forwarded address when the peer is a trusted proxy. */
  RemoteAddress
}
