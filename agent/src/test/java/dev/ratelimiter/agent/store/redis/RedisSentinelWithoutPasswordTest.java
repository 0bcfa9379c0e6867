package dev.ratelimiter.agent.store.redis;

import org.junit.jupiter.api.DisplayName;

/**
 * Sentinels and data nodes without a password, as many Sentinel deployments run inside a private
 * network: the agents find the master and count exactly, with no AUTH sent anywhere.
 */
@DisplayName("Three agents finding the master through three Redis sentinels that need no password")
class RedisSentinelWithoutPasswordTest extends SentinelConcurrencyContract {

  RedisSentinelWithoutPasswordTest() {
    super(null);
  }
}
