package dev.ratelimiter.agent.store.redis;

import org.junit.jupiter.api.DisplayName;

@DisplayName(
    "Three agents, each on four event loops, sharing one Redis: TokenBucket (burst 10, 2 per hour)")
class RedisTokenBucketConcurrencyTest extends RedisConcurrencyTest {
  @Override
  protected String limit() {
    return "{name: quota, requests: 2, window: 1h, algorithm: TokenBucket, burst: 10}";
  }

  @Override
  protected String counter(String client) throws Exception {
    // tokens x window-ms left: less than one token (3,600,000) after 10 of a burst of 10
    String value = redis.command("GET rl:{shop/public-api|" + client + "}:quota:tb:3600");
    return Long.parseLong(value.substring(0, value.indexOf(':'))) < 3_600_000 ? "10" : value;
  }
}
