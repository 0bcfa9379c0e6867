package dev.ratelimiter.operator.customresource;

/** How the agents reach an external Redis; rendered as the agents' {@code REDIS_MODE}. */
public enum ExternalRedisMode {
  /** One Redis server, or a managed Redis behind one address. */
  Standalone,
  /** {@code url} lists the sentinels; they name the master called {@code masterName}. */
  Sentinel,
  /** {@code url} lists seed nodes of a Redis Cluster. */
  Cluster
}
