package dev.ratelimiter.agent.store.redis;

import java.util.Locale;

/**
 * How the agent reaches Redis ({@code REDIS_MODE}): one server, a master found through Sentinel, or
 * a Cluster.
 */
public enum RedisMode {
  /** One Redis server (or a managed Redis behind one address). */
  Standalone,
  /** {@code REDIS_URL} lists sentinels; they name the master of {@code REDIS_MASTER_NAME}. */
  Sentinel,
  /**
   * {@code REDIS_URL} lists seed nodes of a Redis Cluster; checks go to the master of their hash
   * slot.
   */
  Cluster;

  /**
   * @throws IllegalArgumentException naming {@code setting} and the accepted values
   */
  public static RedisMode parse(String setting, String value) {
    if (value == null || value.isBlank()) {
      return Standalone;
    }
    for (RedisMode mode : values()) {
      if (mode.name().toLowerCase(Locale.ROOT).equals(value.trim().toLowerCase(Locale.ROOT))) {
        return mode;
      }
    }
    throw new IllegalArgumentException(
        setting + "='" + value + "' is not a Redis mode; use Standalone, Sentinel or Cluster");
  }
}
